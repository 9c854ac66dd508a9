import Delivery
import Dispatch
import Foundation
import Logging
import Publishing
import Rollups
import Synchronization
import SystemSupport
import Systemd

/// The daemon: one schedule per dataset, a limit on refreshes running at once, signals,
/// systemd notifications, the watchdog, status.json and the metrics file.
///
/// Threads: the control queue (the main queue in the daemon) handles signals, the heartbeat and
/// STATUS=; each dataset refreshes on its own serial queue (libmariadb, zstd and fsync block
/// there); status files are written on a queue of their own. The control queue never blocks on
/// I/O, so its heartbeat proves the scheduler alive to the watchdog however long a refresh takes.
public final class Scheduler: @unchecked Sendable {
    private let configurationPath: String
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let limiter: RefreshLimiter
    private let statusWriter: StatusWriter
    /// Carries each published version to the `[[target]]`s, on queues of its own.
    private let delivery: DeliveryCoordinator
    private let statusQueue = DispatchQueue(label: "parquet-publisher.status")
    private let startedAt = Date()
    /// Signals, the heartbeat, reload and stop run here; `start`, `reload` and `stop` must be
    /// called on it.
    private let control: DispatchQueue
    /// What a finished stop does: exit(0) in the daemon.
    private let exit: @Sendable () -> Void

    /// The configuration and connector refreshes start with; replaced by a reload.
    private let current: Mutex<(Configuration, SourceConnector)>
    /// Control queue only.
    private var schedules: [String: DatasetSchedule] = [:]
    private var signalSources: [any DispatchSourceSignal] = []
    private var heartbeatTimer: (any DispatchSourceTimer)?
    private var watchdog: WatchdogPinger?
    private var lastStatus = ""
    private var ticks = 0

    /// CLOCK_MONOTONIC microseconds of the control queue's last tick.
    private let heartbeat = Atomic<UInt64>(0)
    /// A dataset timer that should have fired long ago and did not.
    private let timersStalled = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let statusPending = Atomic<Bool>(false)
    /// How old the heartbeat may be for the watchdog to keep pinging.
    private var healthWindow: Duration = .seconds(15)

    /// - Parameters:
    ///   - control: the queue for signals, timers and status; the main queue for the daemon,
    ///     which then runs `dispatchMain()`.
    ///   - exit: called on `control` once a stop has finished; the daemon exits 0.
    public init(
        configuration: Configuration,
        configurationPath: String,
        logger: Logger,
        notifier: SystemdNotifier = SystemdNotifier(),
        control: DispatchQueue = .main,
        exit: @escaping @Sendable () -> Void = { Glibc.exit(0) }
    ) throws {
        self.control = control
        self.exit = exit
        self.configurationPath = configurationPath
        self.logger = logger
        self.notifier = notifier
        current = Mutex((configuration, try SourceConnector(configuration: configuration, logger: logger)))
        limiter = RefreshLimiter(limit: configuration.publish.maxConcurrentRefreshes)
        statusWriter = StatusWriter(logger: logger)
        let statusChanged = Box<@Sendable () -> Void>({})
        delivery = DeliveryCoordinator(configuration: configuration, logger: logger) { statusChanged.value() }
        // A delivery cycle ended: status.json and the metrics say so at once, not 5 s later.
        statusChanged.value = { [weak self] in
            guard let self else { return }
            self.control.async { self.writeStatusFiles() }
        }
    }

    private var configuration: Configuration { current.withLock { $0.0 } }

    // MARK: Start

    /// Checks the published state, arms every dataset, starts the watchdog and reports READY=1.
    /// Call on the control queue (the daemon: the main thread, then `dispatchMain()`).
    /// `handlingSignals`: SIGHUP, SIGTERM and SIGINT through dispatch sources (the daemon).
    public func start(handlingSignals: Bool = true) throws {
        let configuration = self.configuration
        try checkDirectories(configuration)
        if handlingSignals { installSignalHandlers() }
        startHeartbeat()
        for (index, dataset) in configuration.datasets.enumerated() {
            let schedule = DatasetSchedule(dataset: dataset)
            schedules[dataset.name] = schedule
            prepare(schedule, configuration: configuration)
            // The first cycle at once, datasets a second apart.
            arm(schedule, after: .seconds(index))
        }
        delivery.start()
        if let interval = notifier.watchdogInterval {
            healthWindow = min(.seconds(15), max(.seconds(3), interval / 2))
            let pinger = WatchdogPinger(notifier: notifier, interval: interval) { [weak self] in
                self?.isHealthy ?? false
            }
            pinger.start()
            watchdog = pinger
            logger.info(
                "watchdog: pinging every \(interval / 2) while the scheduler's heartbeat is under \(healthWindow) old"
            )
        }
        let line = statusLine()
        logger.info(
            """
            state checked; ready: \(configuration.datasets.count) datasets, at most \
            \(configuration.publish.maxConcurrentRefreshes) refreshing at once
            """,
            metadata: ["phase": "ready"]
        )
        notifier.ready(status: line)
        lastStatus = line
    }

    private func checkDirectories(_ configuration: Configuration) throws {
        var directories = [configuration.publish.directory, configuration.publish.stateDirectory]
        if let metrics = configuration.publish.metricsFile, let slash = metrics.lastIndex(of: "/"),
            slash != metrics.startIndex
        {
            directories.append(String(metrics[..<slash]))
        }
        for path in directories {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        // Temporary manifests go under the manifest's lock; temporary state files go with each
        // dataset's check, under its lock (a `refresh` beside the daemon may be saving one).
        let manifests = try ManifestStore(root: configuration.publish.directory).removeLeftovers()
        if !manifests.isEmpty {
            logger.notice("removed temporary files of an interrupted write", metadata: ["files": "\(manifests)"])
        }
    }

    /// What a crash may have left of one dataset, repaired before READY=1 under the dataset's
    /// lock (`DatasetRecovery`): staging directories and versions never made current, a manifest
    /// entry behind `current`. When a `refresh` holds the lock, it does the same itself. A
    /// dataset whose state cannot be used is logged and left to fail its refreshes with the
    /// same clear error; the other datasets keep being published.
    private func prepare(_ schedule: DatasetSchedule, configuration: Configuration) {
        let name = schedule.name
        // Removing a large leftover snapshot can take a while: ask systemd for the time.
        notifier.extendTimeout(.seconds(60))
        do {
            let lock = try DatasetLock.acquire(
                stateDirectory: configuration.publish.stateDirectory,
                dataset: name,
                holder: Self.lockHolder
            )
            defer { lock.release() }
            try DatasetRecovery(configuration: configuration, dataset: name, logger: logger).run()
        } catch let error as PublishingError where error.code == .locked {
            logger.notice("not checked at start: \(error)", metadata: ["dataset": "\(name)"])
        } catch {
            logger.error("cannot check the published directory", metadata: ["dataset": "\(name)", "error": "\(error)"])
        }
        do {
            schedule.record(try StateStore(directory: configuration.publish.stateDirectory).load(dataset: name))
        } catch {
            logger.error(
                "the dataset's state cannot be used; its refreshes fail until it is fixed",
                metadata: ["dataset": "\(name)", "error": "\(error)"]
            )
        }
    }

    // MARK: Health

    /// The scheduler is alive: the control queue ticked within the health window, and no dataset
    /// timer is long overdue. The watchdog pings only while this holds.
    var isHealthy: Bool {
        let age = Syscall.monotonicMicroseconds() &- heartbeat.load(ordering: .acquiring)
        return Duration.microseconds(Int64(age)) < healthWindow && !timersStalled.load(ordering: .relaxed)
    }

    private func startHeartbeat() {
        heartbeat.store(Syscall.monotonicMicroseconds(), ordering: .releasing)
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now(), repeating: .seconds(1), leeway: .milliseconds(50))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        heartbeatTimer = timer
    }

    /// Every second on the control queue: the heartbeat, STATUS= when it changed, the status
    /// files every five seconds.
    private func tick() {
        heartbeat.store(Syscall.monotonicMicroseconds(), ordering: .releasing)
        let now = Date()
        let snapshots = self.snapshots
        // A timer a minute late on an idle dataset means the scheduler lost it.
        let stalled = snapshots.contains { s in
            s.activity == .idle && s.nextRun.map { now.timeIntervalSince($0) > 60 } == true
        }
        timersStalled.store(stalled && !stopping.load(ordering: .relaxed), ordering: .relaxed)
        let line = StatusSummary.line(snapshots, now: now, targets: delivery.snapshots())
        if line != lastStatus, !stopping.load(ordering: .relaxed) {
            notifier.status(line)
            lastStatus = line
        }
        ticks += 1
        if ticks % 5 == 0 { writeStatusFiles() }
    }

    private var snapshots: [DatasetSchedule.Snapshot] {
        schedules.values.map(\.snapshot).sorted { $0.name < $1.name }
    }

    /// The STATUS= line now.
    func statusLine() -> String {
        StatusSummary.line(snapshots, now: Date(), targets: delivery.snapshots())
    }

    /// Writes status.json and the metrics off the control queue; skipped while a write is pending.
    private func writeStatusFiles(stopped: Bool = false, then completion: (@Sendable () -> Void)? = nil) {
        let snapshots = self.snapshots
        let targets = delivery.snapshots()
        let configuration = self.configuration
        let startedAt = self.startedAt
        guard completion != nil || !statusPending.exchange(true, ordering: .acquiring) else { return }
        statusQueue.async { [self] in
            statusWriter.write(
                snapshots,
                configuration: configuration,
                startedAt: startedAt,
                stopped: stopped,
                targets: targets
            )
            statusPending.store(false, ordering: .releasing)
            completion?()
        }
    }

    // MARK: Refreshes

    private func arm(_ schedule: DatasetSchedule, after delay: Duration) {
        schedule.schedule(after: delay) { [weak self] in self?.run($0) }
    }

    /// One cycle of one dataset, on its queue: wait for a slot, refresh, record, re-arm.
    private func run(_ schedule: DatasetSchedule) {
        guard !stopping.load(ordering: .acquiring), !schedule.isStopped else { return }
        schedule.waiting()
        guard limiter.acquire() else {
            schedule.idle()
            return
        }
        defer { limiter.release() }
        guard !stopping.load(ordering: .acquiring), !schedule.isStopped else {
            schedule.idle()
            return
        }
        let (configuration, connector) = current.withLock { $0 }
        let dataset = schedule.dataset
        let store = StateStore(directory: configuration.publish.stateDirectory)
        let previous = (try? store.load(dataset: dataset.name)) ?? nil
        let reconcile = Self.reconcileDue(dataset: dataset, state: previous, now: Date())
        schedule.began(
            expectedRows: Self.readsWholeDataset(dataset, state: previous) ? previous?.rows : nil,
            reconciling: reconcile
        )
        if reconcile {
            logger.info(
                "reconciliation is due (every \(dataset.reconcileEvery))",
                metadata: ["dataset": "\(dataset.name)", "phase": "reconciling"]
            )
        }

        let refresher = DatasetRefresher(
            configuration: configuration,
            dataset: dataset,
            connector: connector,
            logger: logger
        )
        refresher.derived = RollupPublisher(configuration: configuration, dataset: dataset.name, logger: logger)
        refresher.progress = { schedule.update($0) }
        refresher.lockHolder = Self.lockHolder
        let overdue = watchTimeout(of: schedule, dataset: dataset)
        let started = ContinuousClock.now
        let result: Result<RefreshResult, any Error>
        do {
            result = .success(try refresher.refresh(full: false, reconcile: reconcile))
        } catch let error as PublishingError where error.code == .locked {
            // A `refresh` run by hand is publishing the dataset: not a failure, no backoff; the
            // next cycle comes at the usual time.
            overdue.cancel()
            schedule.skipped()
            let delay = schedule.nextDelay()
            logger.notice(
                "cycle skipped: \(error); next in \(delay)",
                metadata: ["dataset": "\(dataset.name)", "phase": "locked"]
            )
            if !self.stopping.load(ordering: .acquiring) { arm(schedule, after: delay) }
            return
        } catch {
            result = .failure(error)
        }
        overdue.cancel()
        schedule.record(((try? store.load(dataset: dataset.name)) ?? nil) ?? previous)
        schedule.finished(result)
        let stopping = self.stopping.load(ordering: .acquiring)
        let delay = schedule.nextDelay()
        if case .failure(let error) = result {
            let milliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
            logger.error(
                "refresh failed\(stopping ? "" : "; retrying in \(delay)"): \(error)",
                metadata: [
                    "dataset": "\(dataset.name)", "error": "\(error)", "duration_ms": "\(milliseconds)",
                    "phase": "failed",
                ]
            )
        }
        if !stopping { arm(schedule, after: delay) }
        // Targets catch up outside the refresh slot and the dataset's queue.
        if case .success(let refreshed) = result {
            delivery.refreshed(dataset: dataset.name)
            // Its rollups were published with it: a target that carries only them runs too.
            for rollup in refreshed.derived { delivery.refreshed(dataset: rollup.name) }
        }
        writeStatusFiles()
    }

    /// What the daemon writes in a dataset's lock file while it refreshes it.
    static let lockHolder = "parquet-publisher run (the daemon)"

    /// After `refresh_timeout`, logs the refresh as overdue and marks it in STATUS=, status.json
    /// and the metrics. It is not interrupted: a blocking libmariadb call cannot be cancelled
    /// safely from another thread, and each statement is already bounded by the source's
    /// `read_timeout`, after which the refresh fails and publishes nothing.
    private func watchTimeout(of schedule: DatasetSchedule, dataset: DatasetConfiguration) -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: control)
        let timeout = dataset.refreshTimeout
        timer.schedule(deadline: .now() + timeout.dispatchInterval)
        timer.setEventHandler { [logger] in
            schedule.markOverdue()
            logger.error(
                "refresh exceeds refresh_timeout (\(timeout)); it carries on, each statement bounded by read_timeout",
                metadata: ["dataset": "\(dataset.name)", "phase": "timeout"]
            )
        }
        timer.resume()
        return timer
    }

    /// Whether this cycle should also reconcile: `reconcile_every` has passed since the last
    /// reconciliation (a full snapshot counts as one). Datasets read in full every time never
    /// need one.
    static func reconcileDue(dataset: DatasetConfiguration, state: DatasetState?, now: Date) -> Bool {
        guard let state, state.version > 0, !readsWholeDataset(dataset, state: state) else { return false }
        return state.isReconciliationDue(every: dataset.reconcileEvery, now: now)
    }

    /// Whether the next refresh reads every row (a snapshot), so that the previous version's
    /// row count estimates its progress: no `updated_at`, a query, or nothing published yet.
    static func readsWholeDataset(_ dataset: DatasetConfiguration, state: DatasetState?) -> Bool {
        if dataset.updatedAt == nil { return true }
        if case .query = dataset.source { return true }
        guard let state else { return true }
        return state.watermark == nil || state.version == 0
    }

    // MARK: Signals

    private func installSignalHandlers() {
        for signal in [SIGHUP, SIGTERM, SIGINT] {
            // The default action would end the process before the dispatch source sees it.
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: control)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if signal == SIGHUP {
                    self.reload()
                } else {
                    self.stop(signal: signal == SIGTERM ? "SIGTERM" : "SIGINT")
                }
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// SIGHUP: RELOADING=1, re-read and validate the configuration (keeping the old one when the
    /// new one is invalid), refresh every dataset at once, READY=1.
    public func reload() {
        dispatchPrecondition(condition: .onQueue(control))
        guard !stopping.load(ordering: .acquiring) else { return }
        notifier.reloading()
        logger.info("reloading the configuration from \(configurationPath)", metadata: ["phase": "reload"])
        do {
            let fresh = try Configuration.load(contentsOf: configurationPath)
            let connector = try SourceConnector(configuration: fresh, logger: logger)
            try checkDirectories(fresh)
            current.withLock { $0 = (fresh, connector) }
            limiter.setLimit(fresh.publish.maxConcurrentRefreshes)
            delivery.reconfigure(fresh)
            let names = Set(fresh.datasets.map(\.name))
            var added: [String] = []
            var removed: [String] = []
            for (name, schedule) in schedules where !names.contains(name) {
                schedule.stop()
                schedules[name] = nil
                removed.append(name)
            }
            for dataset in fresh.datasets {
                if let schedule = schedules[dataset.name] {
                    schedule.replace(dataset)
                } else {
                    let schedule = DatasetSchedule(dataset: dataset)
                    schedules[dataset.name] = schedule
                    prepare(schedule, configuration: fresh)
                    added.append(dataset.name)
                }
            }
            var metadata: Logger.Metadata = ["phase": "reload"]
            if !added.isEmpty { metadata["added"] = "\(added.sorted())" }
            if !removed.isEmpty { metadata["removed"] = "\(removed.sorted())" }
            logger.info("configuration reloaded: \(fresh.datasets.count) datasets", metadata: metadata)
        } catch {
            logger.error(
                "the new configuration is invalid; keeping the old one: \(error)",
                metadata: ["phase": "reload", "error": "\(error)"]
            )
        }
        for schedule in schedules.values {
            schedule.requestImmediateRefresh()
            if schedule.snapshot.activity == .idle { arm(schedule, after: .zero) }
        }
        logger.info("reloaded; refreshing every dataset now", metadata: ["phase": "reload"])
        let line = statusLine()
        notifier.ready(status: line)
        lastStatus = line
    }

    /// SIGTERM/SIGINT: STOPPING=1, no new refresh starts, running ones finish their atomic
    /// publish (a version is whole or absent, never half there), the status is written, exit 0.
    public func stop(signal: String) {
        dispatchPrecondition(condition: .onQueue(control))
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else {
            logger.notice("\(signal) again: already stopping")
            return
        }
        notifier.stopping()
        limiter.cancel()
        let all = Array(schedules.values)
        for schedule in all { schedule.stop() }
        delivery.stop()
        let running = all.filter { $0.snapshot.activity == .refreshing }.map(\.name).sorted()
        if running.isEmpty {
            logger.info("\(signal): stopping", metadata: ["phase": "stopping"])
        } else {
            logger.info(
                "\(signal): stopping after the running refreshes publish: \(running.joined(separator: ", "))",
                metadata: ["phase": "stopping"]
            )
            notifier.status("stopping: waiting for \(running.joined(separator: ", ")) to finish")
        }
        DispatchQueue.global().async { [self] in
            for schedule in all { schedule.drain() }
            delivery.drain()
            writeStatusFiles(stopped: true) {
                self.control.async { [self] in
                    watchdog?.stop()
                    heartbeatTimer?.cancel()
                    for source in signalSources { source.cancel() }
                    logger.info("stopped", metadata: ["phase": "stopped"])
                    exit()
                }
            }
        }
    }
}
