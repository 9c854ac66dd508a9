import Dispatch
import Foundation
import Logging
import Publishing
import Synchronization
import Systemd

/// The daemon: one schedule per dataset, a limit on refreshes running at once (the source is
/// fragile), signals, systemd notifications, the watchdog, status.json and the metrics file.
///
/// Blocking work (libmariadb, zstd, fsync) runs on each dataset's own serial queue; the main
/// queue only handles signals, timers and status, so its heartbeat proves the scheduler alive.
public final class Scheduler: @unchecked Sendable {
    private var configuration: Configuration
    private let configurationPath: String
    private let logger: Logger
    private let notifier = SystemdNotifier()
    private var schedules: [String: DatasetSchedule] = [:]
    private var connector: SourceConnector
    private let slots: DispatchSemaphore
    private var signalSources: [any DispatchSourceSignal] = []
    private var heartbeatTimer: (any DispatchSourceTimer)?
    private var watchdog: WatchdogPinger?
    private let heartbeat = Atomic<UInt64>(0)
    private let stopping = Atomic<Bool>(false)
    private let statusWriter: StatusWriter

    public init(configuration: Configuration, configurationPath: String, logger: Logger) throws {
        self.configuration = configuration
        self.configurationPath = configurationPath
        self.logger = logger
        connector = try SourceConnector(configuration: configuration, logger: logger)
        slots = DispatchSemaphore(value: max(1, configuration.publish.maxConcurrentRefreshes))
        statusWriter = StatusWriter(logger: logger)
    }

    /// Checks the published state, arms every dataset, reports READY, and returns; the caller
    /// then runs the main queue (`dispatchMain()`).
    public func start() throws {
        try checkState()
        installSignalHandlers()
        startHeartbeat()
        for dataset in configuration.datasets {
            let schedule = DatasetSchedule(dataset: dataset)
            schedules[dataset.name] = schedule
            // The first cycle right away, spread by a few seconds between datasets.
            schedule.schedule(after: .milliseconds(Int64(schedules.count - 1) * 2000)) { [weak self] in self?.run($0) }
        }
        if let interval = notifier.watchdogInterval {
            let pinger = WatchdogPinger(notifier: notifier, interval: interval) { [weak self] in self?.isHealthy ?? false }
            pinger.start()
            watchdog = pinger
            logger.info("watchdog enabled, pinging every \(interval / 2) while the scheduler is alive")
        }
        notifier.ready(status: statusLine())
        logger.info(
            "started: \(configuration.datasets.count) datasets, at most \(configuration.publish.maxConcurrentRefreshes) refreshing at once",
            metadata: ["phase": "ready"])
    }

    /// Repairs what a crash may have left: a manifest pointing at the previous version,
    /// temporary files of the manifest and the state store.
    private func checkState() throws {
        let manifest = ManifestStore(root: configuration.publish.directory)
        try FileManager.default.createDirectory(atPath: configuration.publish.directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: configuration.publish.stateDirectory, withIntermediateDirectories: true)
        _ = try manifest.removeLeftovers()
        _ = try StateStore(directory: configuration.publish.stateDirectory).removeLeftovers()
        for dataset in configuration.datasets {
            // A torn state file is an error now, not at the first refresh.
            _ = try StateStore(directory: configuration.publish.stateDirectory).load(dataset: dataset.name)
        }
    }

    /// Alive when the main queue ticked within the last 15 seconds.
    var isHealthy: Bool {
        let last = heartbeat.load(ordering: .relaxed)
        return Self.monotonicSeconds() - last < 15
    }

    private func startHeartbeat() {
        heartbeat.store(Self.monotonicSeconds(), ordering: .relaxed)
        let timer = DispatchSource.makeTimerSource(queue: .main)
        timer.schedule(deadline: .now(), repeating: .seconds(1))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.heartbeat.store(Self.monotonicSeconds(), ordering: .relaxed)
            self.publishStatus()
        }
        timer.resume()
        heartbeatTimer = timer
    }

    private var lastStatus = ""
    private var statusTicks = 0

    /// STATUS= when it changed; status.json and metrics every few seconds.
    private func publishStatus() {
        let line = statusLine()
        if line != lastStatus {
            notifier.status(line)
            lastStatus = line
        }
        statusTicks += 1
        if statusTicks % 5 == 0 { writeStatusFiles() }
    }

    private func writeStatusFiles() {
        let snapshots = schedules.values.map(\.snapshot).sorted { $0.name < $1.name }
        let states = Dictionary(uniqueKeysWithValues: snapshots.map {
            ($0.name, (try? StateStore(directory: configuration.publish.stateDirectory).load(dataset: $0.name)) ?? nil)
        })
        statusWriter.write(snapshots: snapshots, states: states, configuration: configuration)
    }

    /// "orders v124 5.0M rows 2m ago; offers refreshing 40%".
    func statusLine() -> String {
        let parts = schedules.values.map(\.snapshot).sorted { $0.name < $1.name }.map { s -> String in
            if s.running {
                if let p = s.progress {
                    if let previous = s.lastResult?.rows, previous > 0, p.phase == .fetching, s.lastResult?.full == true {
                        return "\(s.name) refreshing \(min(99, p.rows * 100 / previous))%"
                    }
                    return "\(s.name) \(p.phase.rawValue) \(StatusFormat.count(p.rows)) rows"
                }
                return "\(s.name) refreshing"
            }
            var text = s.name
            if let result = s.lastResult {
                if let version = result.version { text += " v\(version)" }
                text += " \(StatusFormat.count(result.rows)) rows"
            }
            if let success = s.lastSuccess { text += " \(StatusFormat.age(since: success)) ago" }
            if s.failures > 0 { text += " (failing: \(s.failures)x)" }
            return text
        }
        return parts.isEmpty ? "no datasets" : parts.joined(separator: "; ")
    }

    private func run(_ schedule: DatasetSchedule) {
        guard !stopping.load(ordering: .relaxed) else { return }
        slots.wait()
        defer { slots.signal() }
        guard !stopping.load(ordering: .relaxed) else { return }
        let dataset = schedule.dataset
        let refresher = DatasetRefresher(configuration: configuration, dataset: dataset, connector: connector, logger: logger)
        refresher.progress = { schedule.update($0) }
        schedule.began()
        let started = ContinuousClock.now
        let timeout = dataset.refreshTimeout
        // A blocking libmariadb call cannot be cancelled safely; read_timeout bounds each one.
        // Past refresh_timeout the refresh is reported as overdue, and carries on.
        let overdue = DispatchSource.makeTimerSource(queue: .main)
        overdue.schedule(deadline: .now() + .seconds(Int(timeout.components.seconds)))
        overdue.setEventHandler { [logger] in
            logger.error("refresh exceeds refresh_timeout (\(timeout)); it continues until the source answers", metadata: ["dataset": "\(dataset.name)", "phase": "timeout"])
        }
        overdue.resume()
        do {
            let result = try refresher.refresh()
            schedule.finished(.success(result))
        } catch {
            schedule.finished(.failure(error))
            logger.error(
                "refresh failed: \(error)",
                metadata: ["dataset": "\(dataset.name)", "error": "\(error)", "duration_ms": "\(Int((ContinuousClock.now - started) / .milliseconds(1)))", "phase": "failed"])
        }
        overdue.cancel()
        DispatchQueue.main.async { self.writeStatusFiles() }
        if !stopping.load(ordering: .relaxed) {
            let delay = schedule.nextDelay()
            schedule.schedule(after: delay) { [weak self] in self?.run($0) }
        }
    }

    // MARK: Signals

    private func installSignalHandlers() {
        for signal in [SIGHUP, SIGTERM, SIGINT] {
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .main)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if signal == SIGHUP { self.reload() } else { self.stop() }
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// SIGHUP: reload and validate the configuration (keeping the old one on error), then
    /// refresh every dataset at once.
    func reload() {
        notifier.reloading()
        logger.info("reloading \(configurationPath)", metadata: ["phase": "reload"])
        do {
            let fresh = try Configuration.load(contentsOf: configurationPath)
            connector = try SourceConnector(configuration: fresh, logger: logger)
            configuration = fresh
            let names = Set(fresh.datasets.map(\.name))
            for (name, schedule) in schedules where !names.contains(name) {
                schedule.stop()
                schedules[name] = nil
                logger.info("dataset removed from the configuration", metadata: ["dataset": "\(name)"])
            }
            for dataset in fresh.datasets {
                if let schedule = schedules[dataset.name] {
                    schedule.replace(dataset)
                } else {
                    schedules[dataset.name] = DatasetSchedule(dataset: dataset)
                }
            }
        } catch {
            logger.error("the new configuration is invalid; keeping the old one: \(error)", metadata: ["phase": "reload", "error": "\(error)"])
        }
        for schedule in schedules.values {
            // Now, unless it is refreshing; then right after.
            if schedule.snapshot.running {
                schedule.requestImmediateRefresh()
            } else {
                schedule.schedule(after: .zero) { [weak self] in self?.run($0) }
            }
        }
        logger.info("reloaded; refreshing every dataset now", metadata: ["phase": "reload"])
        notifier.ready(status: statusLine())
    }

    /// SIGTERM/SIGINT: stop the timers, let running refreshes end at their atomic publish,
    /// write the status, exit 0.
    func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        notifier.stopping()
        logger.info("stopping: waiting for running refreshes to finish", metadata: ["phase": "stopping"])
        for schedule in schedules.values { schedule.stop() }
        let schedules = Array(self.schedules.values)
        DispatchQueue.global().async {
            for schedule in schedules { schedule.drain() }
            DispatchQueue.main.async {
                self.writeStatusFiles()
                self.watchdog?.stop()
                self.logger.info("stopped", metadata: ["phase": "stopped"])
                exit(0)
            }
        }
    }

    static func monotonicSeconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec)
    }
}

/// Short human figures for STATUS.
enum StatusFormat {
    static func count(_ n: Int) -> String {
        if n >= 1_000_000 { return String(format: "%.1fM", Double(n) / 1e6) }
        if n >= 10_000 { return String(format: "%.0fk", Double(n) / 1e3) }
        return String(n)
    }

    static func age(since date: Date) -> String {
        let seconds = Int(Date().timeIntervalSince(date))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        return "\(seconds / 3600)h"
    }
}
