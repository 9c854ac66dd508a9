import Dispatch
import Foundation
import Logging
import Publishing
import SystemSupport

/// The daemon's side of delivery: one worker per target, each with its own serial queue, so a
/// slow or unreachable target holds up neither local publishing nor the other targets.
///
/// A cycle is asked for after every refresh of a dataset the target carries, and at start (a
/// target catches up with what was published while the daemon was down). Cycles never overlap
/// on one target: a request during a cycle runs one more after it. A failed cycle is retried
/// with backoff (5 s, 10 s, 20 s, … up to `max_backoff`); requests meanwhile wait for it.
public final class DeliveryCoordinator: @unchecked Sendable {
    private let logger: Logger
    private let environment: [String: String]
    private let lock = NSLock()
    private var workers: [String: TargetWorker] = [:]
    private var configuration: Configuration
    private var stopped = false
    /// Called after every cycle, from the target's queue (the daemon rewrites status.json).
    private let cycleEnded: @Sendable () -> Void

    public init(
        configuration: Configuration,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        cycleEnded: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.logger = logger
        self.environment = environment
        self.cycleEnded = cycleEnded
    }

    /// Creates the workers and asks each for a catch-up cycle.
    public func start() {
        reconfigure(configuration)
    }

    /// A refresh of `dataset` ended: the targets that carry it catch up.
    public func refreshed(dataset: String) {
        let names = lock.withLock { configuration.publishedNames }
        for worker in lock.withLock({ Array(workers.values) })
        where worker.target.carried(from: names).contains(dataset) {
            worker.request()
        }
    }

    /// Applies a reloaded configuration: new targets start with a cycle, removed ones stop
    /// (a running phase finishes), changed ones use the new settings from their next cycle.
    public func reconfigure(_ fresh: Configuration) {
        let (added, removed): ([TargetWorker], [TargetWorker]) = lock.withLock {
            guard !stopped else { return ([], []) }
            configuration = fresh
            var added: [TargetWorker] = []
            var removed: [TargetWorker] = []
            let names = Set(fresh.targets.map(\.name))
            for (name, worker) in workers where !names.contains(name) {
                removed.append(worker)
                workers[name] = nil
            }
            for target in fresh.targets {
                if let worker = workers[target.name] {
                    worker.replace(configuration: fresh, target: target)
                } else {
                    let worker = TargetWorker(
                        configuration: fresh,
                        target: target,
                        logger: logger,
                        environment: environment,
                        cycleEnded: cycleEnded
                    )
                    workers[target.name] = worker
                    added.append(worker)
                }
            }
            return (added, removed)
        }
        for worker in removed { worker.stop() }
        for worker in lock.withLock({ Array(workers.values) }) where !added.contains(where: { $0 === worker }) {
            worker.request()
        }
        for worker in added { worker.request() }
    }

    /// No new cycle starts; running commands are stopped (their process groups killed: every
    /// phase is safe to interrupt, and the next start repeats it).
    public func stop() {
        let all = lock.withLock {
            stopped = true
            return Array(workers.values)
        }
        for worker in all { worker.stop() }
    }

    /// Blocks until no cycle runs.
    public func drain() {
        for worker in lock.withLock({ Array(workers.values) }) { worker.drain() }
    }

    /// Every target, by name, as status.json and the metrics show it.
    public func snapshots() -> [TargetSnapshot] {
        lock.withLock { Array(workers.values) }.map(\.snapshot).sorted { $0.name < $1.name }
    }
}

/// One target's queue, timer and what status shows of it.
final class TargetWorker: @unchecked Sendable {
    private let queue: DispatchQueue
    private let logger: Logger
    private let environment: [String: String]
    private let lock = NSLock()
    private var configuration: Configuration
    private(set) var target: TargetConfiguration
    private var running = false
    private var pending = false
    private var stopped = false
    private var timer: (any DispatchSourceTimer)?
    private var nextAttempt: Date?
    private var current: TargetDelivery?
    private var phase: TargetDelivery.RunningPhase?
    private var state: TargetState?
    private var failuresTotal = 0
    private var cyclesTotal = 0
    private let cycleEnded: @Sendable () -> Void

    init(
        configuration: Configuration,
        target: TargetConfiguration,
        logger: Logger,
        environment: [String: String],
        cycleEnded: @escaping @Sendable () -> Void
    ) {
        self.configuration = configuration
        self.target = target
        self.logger = logger
        self.environment = environment
        self.cycleEnded = cycleEnded
        queue = DispatchQueue(label: "parquet-publisher.target.\(target.name)")
        state = try? TargetStateStore(stateDirectory: configuration.publish.stateDirectory, target: target.name).load()
    }

    func replace(configuration: Configuration, target: TargetConfiguration) {
        lock.withLock {
            self.configuration = configuration
            self.target = target
        }
    }

    /// A cycle as soon as possible: now when idle, after the running one, or when the backoff
    /// after a failure ends.
    func request() {
        lock.lock()
        guard !stopped else {
            lock.unlock()
            return
        }
        if running || nextAttempt.map({ $0 > Date() }) == true {
            pending = true
            lock.unlock()
            return
        }
        running = true
        pending = false
        lock.unlock()
        queue.async { [self] in cycle() }
    }

    private func cycle() {
        let (configuration, target) = lock.withLock { (self.configuration, self.target) }
        let delivery = TargetDelivery(
            configuration: configuration,
            target: target,
            logger: logger,
            environment: environment
        )
        delivery.activity = { [weak self] phase in self?.lock.withLock { self?.phase = phase } }
        let cancelled = lock.withLock {
            current = delivery
            return stopped
        }
        if cancelled { delivery.cancel() }
        let report = delivery.run()

        lock.lock()
        current = nil
        phase = nil
        cyclesTotal += 1
        if report.stateLoaded { state = report.state }
        var delay: Duration?
        if report.busy {
            delay = .seconds(5)  // Another process delivers now; look again soon, no failure.
        } else if report.failure != nil, !stopped {
            failuresTotal += 1
            delay = Self.backoff(failures: max(1, report.state.consecutiveFailures), maximum: target.maxBackoff)
        }
        let again = pending && delay == nil && !stopped
        pending = delay != nil && pending
        if let delay, !stopped {
            nextAttempt = Date().addingTimeInterval(delay.timeInterval)
            arm(after: delay)
        } else {
            nextAttempt = nil
        }
        running = again
        lock.unlock()

        if let failure = report.failure {
            let retry = delay.map { "; retrying in \(DurationParser.format($0))" } ?? ""
            var metadata: Logger.Metadata = ["target": "\(target.name)", "error": "\(failure.message)"]
            if let dataset = failure.dataset { metadata["dataset"] = "\(dataset)" }
            if let phase = failure.phase { metadata["phase"] = "\(phase.rawValue)" }
            logger.error("delivery failed\(retry): \(failure)", metadata: metadata)
        } else if report.busy {
            logger.notice(
                "another process is delivering to this target; trying again in 5s",
                metadata: ["target": "\(target.name)"]
            )
        }
        cycleEnded()
        if again { queue.async { [self] in cycle() } }
    }

    /// After `failures` failed cycles in a row: 5 s, 10 s, 20 s, … never more than `maximum`.
    static func backoff(failures: Int, maximum: Duration) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        return min(.seconds(5) * (1 << exponent), maximum)
    }

    /// Call with `lock` held.
    private func arm(after delay: Duration) {
        timer?.cancel()
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .nanoseconds(Int(delay / .nanoseconds(1))), leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.withLock { self.nextAttempt = nil }
            self.request()
        }
        self.timer = timer
        timer.resume()
    }

    func stop() {
        let running = lock.withLock {
            stopped = true
            timer?.cancel()
            timer = nil
            nextAttempt = nil
            return current
        }
        running?.cancel()
    }

    func drain() {
        queue.sync {}
    }

    var snapshot: TargetSnapshot {
        lock.withLock {
            TargetSnapshot(
                target: target,
                activity: phase != nil
                    ? .delivering : (nextAttempt != nil ? .waiting : (running ? .delivering : .idle)),
                running: phase,
                state: state ?? TargetState(),
                nextAttempt: nextAttempt,
                failuresTotal: failuresTotal,
                cyclesTotal: cyclesTotal
            )
        }
    }
}
