import Foundation
import Logging
import Publishing
import SystemSupport

/// One delivery cycle of one target: for each dataset it carries, catch up to the newest local
/// version (`upload`, then `commit`), then remove what expired (`remove`); the state saved after
/// every phase, so a crash or a kill repeats at most the phase it interrupted.
///
/// The order is the design: a version is committed (named by the target's manifest) only after
/// its upload exited 0, and a version leaves the target only when no manifest there names it
/// any more and it is gone locally (`keep_versions_for`, counted again from the moment the
/// target's manifest stopped naming it, so a target that lagged does not cut readers short).
/// A target that was down catches up to the newest version only; versions published meanwhile
/// are skipped.
///
/// Blocking (it waits for the commands): run it on a queue of its own, outside any dataset's
/// lock, so that a slow target never holds up local publishing.
public final class TargetDelivery: @unchecked Sendable {
    public let configuration: Configuration
    public let target: TargetConfiguration
    public let logger: Logger
    /// The environment commands inherit (PP_* are added): the daemon's own.
    public var environment: [String: String]
    /// Called when a phase starts (with it) and ends (with nil), for status.
    public var activity: (@Sendable (RunningPhase?) -> Void)?
    /// Set by the daemon's stop: the running command's process group is killed.
    let cancellation = CommandCancellation()
    /// SIGTERM to SIGKILL for a command past its timeout (tests shorten it).
    var terminationGrace: Duration = .seconds(5)
    let store: TargetStateStore

    public init(
        configuration: Configuration,
        target: TargetConfiguration,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.configuration = configuration
        self.target = target
        var logger = logger
        logger[metadataKey: "target"] = "\(target.name)"
        self.logger = logger
        self.environment = environment
        store = TargetStateStore(stateDirectory: configuration.publish.stateDirectory, target: target.name)
    }

    /// A phase being run now.
    public struct RunningPhase: Sendable, Equatable {
        public var phase: DeliveryPhase
        public var dataset: String
        public var version: Int
        public var startedAt: Date
    }

    /// What one cycle did.
    public struct Report: Sendable {
        /// The phases that succeeded, in order: "upload orders/v12".
        public var done: [String] = []
        /// The failure that ended the cycle; nil when nothing failed.
        public var failure: DeliveryError?
        /// The state as saved at the end (the previous one when the state could not be read).
        public var state = TargetState()
        /// Another process was delivering to this target; nothing was done.
        public var busy = false
        /// `state` is what the state file holds (false when it could not be read).
        public var stateLoaded = false
    }

    /// Why the target's program cannot be run here (not found, not executable), or nil.
    public static func commandProblem(
        _ target: TargetConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        let command = TargetCommand(
            argv: target.command,
            environment: environment,
            workingDirectory: "/",
            timeout: target.timeout,
            redactor: SecretRedactor(secrets: [])
        )
        do {
            _ = try command.resolveProgram()
            return nil
        } catch {
            return "target \"\(target.name)\": command \(error)"
        }
    }

    /// Ends the command running now, if any (its process group is killed); later phases of
    /// this cycle do not start.
    public func cancel() {
        cancellation.cancel()
    }

    /// Runs one cycle. Failures do not throw: they end the cycle and are in the report and the
    /// state file (redacted), for the caller to log and retry with backoff.
    public func run() -> Report {
        var report = Report()
        let lock: TargetStateStore.Lock
        do {
            guard let acquired = try store.tryLock() else {
                report.busy = true
                return report
            }
            lock = acquired
            report.state = try store.load()
            report.stateLoaded = true
        } catch {
            report.failure = error
            return report
        }
        defer { lock.release() }
        var state = report.state
        let redactor = SecretRedactor.collect(configuration: configuration, environment: environment)
        do {
            try prepareView()
            // Datasets that failed last time go last, so that one broken dataset does not hold
            // up the others at every retry.
            let names = target.carried(from: configuration.publishedNames)
            let ordered =
                names.filter { state.datasets[$0]?.lastError == nil }
                + names.filter { state.datasets[$0]?.lastError != nil }
            for name in ordered {
                try deliver(name, state: &state, redactor: redactor, report: &report)
            }
        } catch {
            report.failure = error
        }
        let now = Date()
        if let failure = report.failure {
            state.lastError = failure.description
            state.lastPublicError = failure.publicMessage
            state.lastErrorAt = now
            state.consecutiveFailures += 1
        } else {
            state.lastSuccess = now
            state.lastError = nil
            state.lastPublicError = nil
            state.consecutiveFailures = 0
        }
        do {
            try store.save(state)
        } catch {
            report.failure = report.failure ?? error
        }
        report.state = state
        return report
    }

    // MARK: One dataset

    private func deliver(
        _ name: String,
        state: inout TargetState,
        redactor: SecretRedactor,
        report: inout Report
    ) throws(DeliveryError) {
        let directory = DatasetDirectory(root: configuration.publish.directory, dataset: name)
        var delivery = state.datasets[name] ?? DatasetDelivery()
        func save() throws(DeliveryError) {
            state.datasets[name] = delivery
            try store.save(state)
        }
        do throws(DeliveryError) {
            // A version published while this one was delivered is caught up with at once; a
            // version removed locally under its upload (keep_versions_for = "0s") is skipped.
            // Bounded: a dataset published faster than it can be delivered leaves the rest to
            // the next cycle.
            for _ in 0..<3 {
                guard let latest = try localVersion(directory), latest != delivery.committed?.version else {
                    delivery.behindSince = nil
                    break
                }
                if delivery.behindSince == nil {
                    delivery.behindSince = (try? directory.publishedAt(version: latest)) ?? Date()
                }
                if delivery.uploaded?.version != latest {
                    let entry: Manifest.Entry
                    do {
                        entry = try manifestEntry(directory, version: latest)
                    } catch {
                        if try versionExists(directory, latest) { throw error }
                        continue  // Superseded and removed since `current` was read.
                    }
                    delivery.addRemote(latest)
                    try save()
                    do {
                        try runPhase(
                            .upload,
                            dataset: name,
                            version: latest,
                            previous: delivery.committed?.version,
                            redactor: redactor
                        )
                    } catch {
                        if try versionExists(directory, latest) { throw error }
                        logger.notice(
                            "v\(latest) was superseded and removed locally during its upload; delivering the newer version",
                            metadata: ["dataset": "\(name)", "version": "\(latest)", "phase": "upload"]
                        )
                        continue
                    }
                    delivery.uploaded = entry
                    try save()
                    report.done.append("upload \(name)/v\(latest)")
                }
                try writeManifest(state: state, naming: name, entry: delivery.uploaded!)
                let previous = delivery.committed?.version
                try runPhase(.commit, dataset: name, version: latest, previous: previous, redactor: redactor)
                let now = Date()
                if let previous { delivery.superseded(previous, at: now) }
                delivery.committed = delivery.uploaded
                delivery.committedAt = now
                delivery.uploaded = nil
                delivery.behindSince = nil
                try save()
                report.done.append("commit \(name)/v\(latest)")
            }
            for version in removable(delivery, directory: directory, now: Date()) {
                try runPhase(.remove, dataset: name, version: version, previous: nil, redactor: redactor)
                delivery.remote.removeAll { $0.version == version }
                try save()
                report.done.append("remove \(name)/v\(version)")
            }
            delivery.lastError = nil
            delivery.lastPublicError = nil
            delivery.lastErrorAt = nil
            state.datasets[name] = delivery
        } catch {
            delivery.lastError = error.description
            delivery.lastPublicError = error.publicMessage
            delivery.lastErrorAt = Date()
            state.datasets[name] = delivery
            throw error
        }
    }

    /// Versions to remove at the target: not the one its manifest names nor the one waiting
    /// for its commit; gone locally; and, if a manifest there ever named it, superseded there
    /// at least `keep_versions_for` ago.
    func removable(_ delivery: DatasetDelivery, directory: DatasetDirectory, now: Date) -> [Int] {
        let keep = configuration.publish.keepVersionsFor
        let keepSeconds = keep.timeInterval
        return delivery.remote.filter { remote in
            guard remote.version != delivery.committed?.version, remote.version != delivery.uploaded?.version else {
                return false
            }
            if let supersededAt = remote.supersededAt, now.timeIntervalSince(supersededAt) < keepSeconds {
                return false
            }
            return (try? versionExists(directory, remote.version)) == false
        }.map(\.version)
    }

    private func localVersion(_ directory: DatasetDirectory) throws(DeliveryError) -> Int? {
        do {
            return try directory.currentVersion()
        } catch {
            throw DeliveryError(
                code: .localVersion,
                target: target.name,
                dataset: directory.dataset,
                message: "cannot read the current version: \(error)"
            )
        }
    }

    private func versionExists(_ directory: DatasetDirectory, _ version: Int) throws(DeliveryError) -> Bool {
        do {
            return try FileOperations.exists(directory.versionPath(version))
        } catch {
            throw DeliveryError(
                code: .localVersion,
                target: target.name,
                dataset: directory.dataset,
                message: "cannot look for v\(version): \(error)"
            )
        }
    }

    /// The target manifest's entry for a local version, from its index.json.
    private func manifestEntry(_ directory: DatasetDirectory, version: Int) throws(DeliveryError) -> Manifest.Entry {
        let path = directory.versionPath(version) + "/" + DatasetIndex.fileName
        do {
            guard try FileOperations.exists(path) else {
                throw DeliveryError(
                    code: .localVersion,
                    target: target.name,
                    dataset: directory.dataset,
                    message: "\(path) is missing"
                )
            }
            let index = try DatasetIndex.decode(try FileOperations.readFile(path))
            return Manifest.Entry(
                dataset: directory.dataset,
                version: version,
                publishedAt: index.publishedAt,
                rows: index.rows
            )
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw DeliveryError(
                code: .localVersion,
                target: target.name,
                dataset: directory.dataset,
                message: "cannot read \(path): \(error)"
            )
        }
    }

    // MARK: The target's view of the publish directory

    /// `publish/` in the target's folder: a symlink per carried dataset to its published folder
    /// (replaced atomically when the publish directory moved), and the target's manifest.
    private func prepareView() throws(DeliveryError) {
        let view = store.publishView
        do {
            try FileOperations.makeDirectories(view, mode: 0o755)
            for name in target.carried(from: configuration.publishedNames) {
                let link = view + "/" + name
                let destination = configuration.publish.directory + "/" + name
                let files = FileManager.default
                if (try? files.destinationOfSymbolicLink(atPath: link)) == destination { continue }
                let temporary = view + "/.\(name).tmp-\(UInt32.random(in: 0...UInt32.max))"
                try files.createSymbolicLink(atPath: temporary, withDestinationPath: destination)
                do {
                    try Syscall.rename(temporary, link)
                } catch {
                    try? files.removeItem(atPath: temporary)
                    throw error
                }
            }
        } catch {
            throw DeliveryError(code: .state, target: target.name, message: "cannot prepare \(view): \(error)")
        }
    }

    /// The manifest the commit of `name` delivers: every carried dataset at the version the
    /// target has, and `name` at the version just uploaded. Datasets not carried, and versions
    /// not yet uploaded, are not in it, whatever the local manifest says.
    private func writeManifest(state: TargetState, naming name: String, entry: Manifest.Entry) throws(DeliveryError) {
        var entries: [String: Manifest.Entry] = [:]
        for carried in target.carried(from: configuration.publishedNames) {
            if let committed = state.datasets[carried]?.committed { entries[carried] = committed }
        }
        entries[name] = entry
        do {
            try ManifestStore(root: store.publishView).modify { $0.datasets = entries }
        } catch {
            throw DeliveryError(
                code: .state,
                target: target.name,
                message: "cannot write the target's manifest in \(store.publishView): \(error)"
            )
        }
    }

    // MARK: Running a phase

    private func runPhase(
        _ phase: DeliveryPhase,
        dataset: String,
        version: Int,
        previous: Int?,
        redactor: SecretRedactor
    ) throws(DeliveryError) {
        let variables = PhaseEnvironment(
            phase: phase,
            target: target.name,
            dataset: dataset,
            version: version,
            publishDirectory: store.publishView,
            datasetDirectory: configuration.publish.directory + "/" + dataset,
            previousVersion: previous
        )
        let versionPath = variables.versionPath
        func failure(_ code: DeliveryError.Code, _ message: String) -> DeliveryError {
            DeliveryError(
                code: code,
                target: target.name,
                phase: phase,
                dataset: dataset,
                versionPath: versionPath,
                message: message
            )
        }
        guard !cancellation.isCancelled else { throw failure(.cancelled, "the daemon stops") }
        var command = TargetCommand(
            argv: target.command,
            environment: environment.merging(variables.variables) { _, new in new },
            workingDirectory: store.publishView,
            timeout: target.timeout,
            redactor: redactor
        )
        command.terminationGrace = terminationGrace
        let metadata: Logger.Metadata = [
            "dataset": "\(dataset)", "version": "\(version)", "phase": "\(phase.rawValue)",
        ]
        activity?(RunningPhase(phase: phase, dataset: dataset, version: version, startedAt: Date()))
        defer { activity?(nil) }
        let outcome: TargetCommand.Outcome
        do {
            outcome = try command.run(cancellation: cancellation) { stream, line in
                var metadata = metadata
                metadata["stream"] = "\(stream.rawValue)"
                logger.info("\(line)", metadata: metadata)
            }
        } catch {
            let code: DeliveryError.Code =
                error.message.hasPrefix("cannot start") ? .commandNotStarted : .commandNotFound
            throw failure(code, "command \(redactor.redact(error.description))")
        }
        if outcome.suppressedLines > 0 {
            logger.notice("\(outcome.suppressedLines) more lines of output not logged", metadata: metadata)
        }
        if outcome.killedStragglers {
            logger.warning(
                "processes the command left running (holding its output open) were killed",
                metadata: metadata
            )
        }
        let program = target.command[0]
        let tail = outcome.tail.isEmpty ? "" : ": " + outcome.tail.joined(separator: " | ")
        switch outcome.termination {
        case .exited(0):
            var done = metadata
            done["duration_ms"] = "\(Int(outcome.seconds * 1000))"
            logger.info("\(phase.rawValue) of \(versionPath) done", metadata: done)
        case .exited(let status):
            throw failure(.commandFailed, "\(program) exited with status \(status)\(tail)")
        case .signalled(let signal):
            throw failure(.commandFailed, "\(program) was killed by signal \(signal)\(tail)")
        case .timedOut:
            throw failure(
                .timedOut,
                "\(program) ran longer than timeout (\(DurationParser.format(target.timeout))); its process group was killed\(tail)"
            )
        case .cancelled:
            throw failure(.cancelled, "\(program) was stopped because the daemon stops")
        }
    }
}
