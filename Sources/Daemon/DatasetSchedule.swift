import Dispatch
import Foundation
import Publishing

/// One dataset's timer and its serial queue. A refresh runs on the queue and the next timer is
/// armed only when it ends, so a dataset never overlaps itself. Everything `status`, STATUS=
/// and the metrics show about the dataset is kept here, under a lock.
final class DatasetSchedule: @unchecked Sendable {
    typealias Activity = DatasetActivity

    /// What the dataset is doing and has done; a copy taken under the lock.
    struct Snapshot: Sendable {
        var name: String
        var dataset: DatasetConfiguration
        var activity = Activity.idle
        var progress: RefreshProgress?
        /// Rows the running refresh is expected to read, when it reads the whole dataset and
        /// the previous version's count is known; nil: show rows so far instead of a percent.
        var expectedRows: Int?
        var startedAt: Date?
        /// The running refresh passed `refresh_timeout`.
        var overdue = false
        var reconciling = false
        var lastResult: RefreshResult?
        /// What status.json says of the last failure (`PublicErrorMessage`); the scheduler logs
        /// the full error to the journal, the refresher records it in the state file.
        var lastError: String?
        var lastErrorAt: Date?
        var lastSuccess: Date?
        var nextRun: Date?
        var failures = 0
        var errorsTotal = 0
        var refreshesTotal = 0
        var timeoutsTotal = 0
        /// What the state file says was last published; nil before the first refresh.
        var published: DatasetState?

        init(dataset: DatasetConfiguration) {
            name = dataset.name
            self.dataset = dataset
        }
    }

    let name: String
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var timer: (any DispatchSourceTimer)?
    private var stopped = false
    private var immediate = false
    private var state: Snapshot

    init(dataset: DatasetConfiguration) {
        name = dataset.name
        queue = DispatchQueue(label: "parquet-publisher.dataset.\(dataset.name)")
        state = Snapshot(dataset: dataset)
    }

    var snapshot: Snapshot { lock.withLock { state } }
    var dataset: DatasetConfiguration { lock.withLock { state.dataset } }
    var isStopped: Bool { lock.withLock { stopped } }

    /// Arms the one-shot timer `delay` from now; `run` does the refresh on the dataset's queue.
    func schedule(after delay: Duration, run: @escaping @Sendable (DatasetSchedule) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        timer?.cancel()
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + delay.dispatchInterval, leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            run(self)
        }
        state.nextRun = Date().addingTimeInterval(max(0, delay.timeInterval))
        self.timer = timer
        timer.resume()
    }

    /// Asks for a refresh as soon as possible: the caller arms a zero timer when idle; when
    /// waiting or refreshing, the next one starts right after (`nextDelay()` is then zero).
    func requestImmediateRefresh() {
        lock.withLock { immediate = true }
    }

    /// The delay before the next refresh: zero when one was requested meanwhile, the backoff
    /// after failures, else the interval with a little jitter.
    func nextDelay() -> Duration {
        lock.withLock {
            if immediate { return .zero }
            let every = state.dataset.every
            if state.failures > 0 { return Self.backoff(failures: state.failures, every: every) }
            return every + Self.jitter(every: every)
        }
    }

    /// Exponential backoff after `failures` consecutive failures: 5 s, 10 s, 20 s, … never more
    /// than the interval, so a failing dataset is retried at least as often as a healthy one runs.
    static func backoff(failures: Int, every: Duration) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        return min(.seconds(5) * (1 << exponent), every)
    }

    /// Up to 5% of the interval and at most 10 s, so datasets with the same `every` do not all
    /// hit the source in the same second. `random` is in 0...1.
    static func jitter(every: Duration, random: Double = Double.random(in: 0...1)) -> Duration {
        min(every / 20, .seconds(10)) * random
    }

    func replace(_ dataset: DatasetConfiguration) {
        lock.withLock { state.dataset = dataset }
    }

    func waiting() {
        lock.withLock {
            state.activity = .waiting
            state.nextRun = nil
        }
    }

    func idle() {
        lock.withLock { state.activity = .idle }
    }

    /// A refresh starts; a pending request for an immediate one is satisfied by it.
    func began(expectedRows: Int?, reconciling: Bool) {
        lock.withLock {
            immediate = false
            state.activity = .refreshing
            state.progress = nil
            state.expectedRows = expectedRows
            state.reconciling = reconciling
            state.startedAt = Date()
            state.overdue = false
        }
    }

    /// Records what the state file says, after a refresh and at start-up.
    func record(_ published: DatasetState?) {
        lock.withLock { state.published = published }
    }

    func update(_ progress: RefreshProgress) {
        lock.withLock { state.progress = progress }
    }

    func markOverdue() {
        lock.withLock {
            guard state.activity == .refreshing, !state.overdue else { return }
            state.overdue = true
            state.timeoutsTotal += 1
        }
    }

    func finished(_ result: Result<RefreshResult, any Error>) {
        lock.withLock {
            endRun()
            state.refreshesTotal += 1
            switch result {
            case .success(let value):
                state.lastResult = value
                state.lastSuccess = Date()
                state.lastError = nil
                state.failures = 0
            case .failure(let error):
                state.lastError = PublicErrorMessage.of(error)
                state.lastErrorAt = Date()
                state.failures += 1
                state.errorsTotal += 1
            }
        }
    }

    /// The refresh did not start: another process holds the dataset's lock. Neither a success
    /// nor a failure.
    func skipped() {
        lock.withLock { endRun() }
    }

    /// Back to idle, nothing running. Call with `lock` held.
    private func endRun() {
        state.activity = .idle
        state.progress = nil
        state.expectedRows = nil
        state.startedAt = nil
        state.overdue = false
        state.reconciling = false
    }

    /// Cancels the timer; a refresh in progress finishes (it publishes atomically or not at all).
    func stop() {
        lock.withLock {
            stopped = true
            timer?.cancel()
            timer = nil
            state.nextRun = nil
        }
    }

    /// Blocks until the refresh on the queue, if any, has ended.
    func drain() {
        queue.sync {}
    }
}
