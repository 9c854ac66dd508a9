import ArgumentParser
import Daemon
import Delivery
import Foundation
import Publishing

/// `parquet-publisher status`: what is published and how fresh, from the state files and the
/// public directory, plus the daemon's own view (next run, refreshing now) from its
/// status.json when the daemon runs. Reads only; safe beside a running daemon.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per dataset: the current version, rows, last success and error, next run, watermark and lag."
    )

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    @Flag(help: "One JSON document on stdout.")
    var json = false

    /// status.json older than this means the daemon is not running (it rewrites it every 5 s,
    /// and marks it `"running": false` when it stops).
    static let freshFor: TimeInterval = 30

    func run() throws {
        let configuration = try CommandLogging.loadConfiguration(config)
        let now = Date()
        let store = StateStore(directory: configuration.publish.stateDirectory)
        let daemon = Self.daemonStatus(configuration, now: now)
        var report = StatusReport(
            daemon: StatusReport.Daemon(running: daemon != nil, statusAgeSeconds: daemon.map { Int($0.age) }),
            datasets: [:]
        )
        var lines: [String] = []
        if let daemon {
            lines.append("daemon: running (pid \(daemon.document.daemon.pid)), status.json \(Int(daemon.age))s old")
        } else {
            lines.append("daemon: not running (no status.json written in the last \(Int(Self.freshFor))s)")
        }
        for dataset in configuration.datasets {
            let state: DatasetState?
            var stateError: String?
            do {
                state = try store.load(dataset: dataset.name)
            } catch {
                state = nil
                stateError = "\(error)"
            }
            let current = try? DatasetDirectory(root: configuration.publish.directory, dataset: dataset.name)
                .currentVersion()
            let live = daemon?.document.datasets[dataset.name]
            let watermark = state?.watermark.map { Date(timeIntervalSince1970: Double($0) / 1e6) }
            let lag = watermark.map { max(0, Int(now.timeIntervalSince($0))) }
            // The state file has the full error; status.json only a short public one.
            let lastError = stateError ?? state?.lastError ?? live?.lastError
            report.datasets[dataset.name] = StatusReport.Dataset(
                version: current ?? nil,
                rows: state?.rows,
                lastSuccess: state?.lastSuccess.map { ISO8601Timestamp.string(from: $0) },
                lastError: lastError,
                lastErrorAt: state?.lastErrorAt.map { ISO8601Timestamp.string(from: $0) },
                nextRun: daemon == nil ? "not running" : live?.nextRun.map { ISO8601Timestamp.string(from: $0) },
                state: daemon == nil ? "not running" : live?.state.rawValue ?? "unknown",
                watermark: watermark.map { ISO8601Timestamp.string(from: $0, fractionalDigits: 3) },
                lagSeconds: lag,
                progress: live?.progress
            )

            var line = "\(dataset.name): " + ((current ?? nil).map { "v\($0)" } ?? "nothing published")
            if let rows = state?.rows { line += ", \(rows) rows" }
            line += ", last success " + (state?.lastSuccess.map { Self.when($0, now: now) } ?? "never")
            if let watermark, let lag {
                line += ", watermark \(ISO8601Timestamp.string(from: watermark)) (lag \(Self.span(lag)))"
            }
            if daemon == nil {
                line += ", next run: daemon not running"
            } else if live?.state == .refreshing {
                let percent = live?.progress?.percent.map { " \($0)%" } ?? ""
                line += ", refreshing now\(percent)"
            } else if let next = live?.nextRun {
                line += ", next run " + Self.when(next, now: now)
            }
            if let lastError { line += "\n  last error: \(lastError)" }
            lines.append(line)
        }
        // Rollups: published with their base, so their freshness is the base's.
        for rollup in configuration.rollups {
            let directory = DatasetDirectory(root: configuration.publish.directory, dataset: rollup.name)
            let current = (try? directory.currentVersion()) ?? nil
            let index = current.flatMap { version in
                FileManager.default.contents(atPath: directory.versionPath(version) + "/" + DatasetIndex.fileName)
                    .flatMap { try? DatasetIndex.decode(Array($0)) }
            }
            var stateError: String?
            let state: DatasetState?
            do {
                state = try store.load(dataset: rollup.name)
            } catch {
                state = nil
                stateError = "\(error)"
            }
            let lastError = stateError ?? state?.lastError
            // Refreshed with its base: the base's schedule is the rollup's.
            let live = daemon?.document.datasets[rollup.from]
            var entry = StatusReport.Dataset(
                version: current,
                rows: index?.rows ?? state?.rows,
                lastSuccess: state?.lastSuccess.map { ISO8601Timestamp.string(from: $0) },
                lastError: lastError,
                lastErrorAt: state?.lastErrorAt.map { ISO8601Timestamp.string(from: $0) },
                nextRun: daemon == nil ? "not running" : live?.nextRun.map { ISO8601Timestamp.string(from: $0) },
                state: daemon == nil ? "not running" : live?.state.rawValue ?? "unknown",
                watermark: nil,
                lagSeconds: nil,
                progress: nil
            )
            entry.rollupOf = rollup.from
            entry.sourceVersion = index?.sourceVersion
            report.datasets[rollup.name] = entry
            var line = "\(rollup.name) (rollup of \(rollup.from)): " + (current.map { "v\($0)" } ?? "nothing published")
            if let source = index?.sourceVersion { line += " from \(rollup.from) v\(source)" }
            if let rows = index?.rows { line += ", \(rows) rows" }
            line += ", last success " + (state?.lastSuccess.map { Self.when($0, now: now) } ?? "never")
            if let lastError { line += "\n  last error: \(lastError)" }
            lines.append(line)
        }
        let targets = Self.targets(configuration, daemon: daemon, now: now)
        lines += targets.lines
        report.targets = targets.json
        if json {
            print(String(decoding: try PublishingJSON.encode(report).dropLast(), as: UTF8.self))
        } else {
            print(lines.joined(separator: "\n"))
        }
    }

    /// "2026-11-25T01:02:03Z (2m ago)" or "(in 3m)".
    static func when(_ date: Date, now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        return ISO8601Timestamp.string(from: date)
            + (seconds >= 0 ? " (\(span(seconds)) ago)" : " (in \(span(-seconds)))")
    }

    static func span(_ seconds: Int) -> String {
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }

    /// The daemon's status.json, when it is fresh and says the daemon runs.
    struct DaemonStatus {
        var document: StatusDocument
        var age: TimeInterval
    }

    static func daemonStatus(_ configuration: Configuration, now: Date) -> DaemonStatus? {
        let path = configuration.publish.directory + "/" + StatusDocument.fileName
        guard let info = try? Syscall.lstat(path),
            now.timeIntervalSince(info.modified) < freshFor,
            let bytes = try? FileOperations.readFile(path),
            let document = try? StatusDocument.decode(bytes),
            document.daemon.running
        else { return nil }
        return DaemonStatus(document: document, age: max(0, now.timeIntervalSince(info.modified)))
    }
}

/// What `status --json` prints: per dataset, the state file's account with the daemon's view
/// (state, next run, progress) from its status.json.
struct StatusReport: Encodable {
    struct Daemon: Encodable {
        var running: Bool
        /// Only while it runs.
        var statusAgeSeconds: Int?

        enum CodingKeys: String, CodingKey {
            case running
            case statusAgeSeconds = "status_age_seconds"
        }
    }

    struct Dataset: Encodable {
        var version: Int?
        var rows: Int?
        var lastSuccess: String?
        var lastError: String?
        var lastErrorAt: String?
        /// A time, or "not running".
        var nextRun: String?
        /// idle, waiting, refreshing, "not running" or "unknown".
        var state: String
        /// To the millisecond.
        var watermark: String?
        var lagSeconds: Int?
        var progress: StatusDocument.Progress?
        /// A rollup's entry only (absent for datasets): its base and the base version it was
        /// computed from.
        var rollupOf: String?
        var sourceVersion: Int?

        enum CodingKeys: String, CodingKey {
            case version, rows, state, watermark, progress
            case rollupOf = "rollup_of"
            case sourceVersion = "source_version"
            case lastSuccess = "last_success"
            case lastError = "last_error"
            case lastErrorAt = "last_error_at"
            case nextRun = "next_run"
            case lagSeconds = "lag_seconds"
        }

        /// Every key, absent values as `null`.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(version, forKey: .version)
            try c.encode(rows, forKey: .rows)
            try c.encode(lastSuccess, forKey: .lastSuccess)
            try c.encode(lastError, forKey: .lastError)
            try c.encode(lastErrorAt, forKey: .lastErrorAt)
            try c.encode(nextRun, forKey: .nextRun)
            try c.encode(state, forKey: .state)
            try c.encode(watermark, forKey: .watermark)
            try c.encode(lagSeconds, forKey: .lagSeconds)
            try c.encode(progress, forKey: .progress)
            try c.encodeIfPresent(rollupOf, forKey: .rollupOf)
            try c.encodeIfPresent(sourceVersion, forKey: .sourceVersion)
        }
    }

    var daemon: Daemon
    var datasets: [String: Dataset]
    /// Each target from its state file (full errors: this is not a public file).
    var targets: [String: TargetStatus] = [:]
}
