import Dispatch
import Foundation
import Logging
import Publishing

/// One dataset's timer and its serial queue: a refresh runs on the queue, and the next one is
/// armed only when it ends, so a dataset never overlaps itself. Failures retry with
/// exponential backoff capped at the interval.
final class DatasetSchedule: @unchecked Sendable {
    let name: String
    private(set) var dataset: DatasetConfiguration
    private let queue: DispatchQueue
    private var timer: (any DispatchSourceTimer)?
    private let lock = NSLock()
    private var stopped = false

    // What STATUS, status.json and the metrics show; guarded by `lock`.
    private(set) var running = false
    private(set) var progress: RefreshProgress?
    private(set) var lastResult: RefreshResult?
    private(set) var lastError: String?
    private(set) var lastSuccess: Date?
    private(set) var nextRun: Date?
    private(set) var failures = 0
    private(set) var errorsTotal = 0
    private(set) var refreshesTotal = 0
    /// Set by a reload while a refresh runs: the next one starts as soon as it ends.
    private var immediate = false

    init(dataset: DatasetConfiguration) {
        name = dataset.name
        self.dataset = dataset
        queue = DispatchQueue(label: "parquet-publisher.dataset.\(dataset.name)")
    }

    /// Arms the timer `delay` from now; `run` does the refresh on the dataset's queue.
    func schedule(after delay: Duration, run: @escaping @Sendable (DatasetSchedule) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        timer?.cancel()
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let (seconds, attoseconds) = delay.components
        let nanoseconds = max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            run(self)
        }
        nextRun = Date().addingTimeInterval(Double(nanoseconds) / 1e9)
        self.timer = timer
        timer.resume()
    }

    /// The next delay: the interval with a little jitter (so datasets do not all hit the
    /// source at once), or the backoff after failures.
    func nextDelay() -> Duration {
        if lock.withLock({ let now = immediate; immediate = false; return now }) { return .zero }
        let interval = dataset.every
        let intervalSeconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        if failures > 0 {
            let backoff = min(intervalSeconds, 5 * pow(2, Double(failures - 1)))
            return .milliseconds(Int64(backoff * 1000))
        }
        let jitter = Double.random(in: 0...min(intervalSeconds * 0.05, 10))
        return .milliseconds(Int64((intervalSeconds + jitter) * 1000))
    }

    func requestImmediateRefresh() {
        lock.withLock { immediate = true }
    }

    func replace(_ dataset: DatasetConfiguration) {
        lock.withLock { self.dataset = dataset }
    }

    func began() {
        lock.withLock {
            running = true
            progress = nil
            nextRun = nil
        }
    }

    func update(_ progress: RefreshProgress) {
        lock.withLock { self.progress = progress }
    }

    func finished(_ result: Result<RefreshResult, any Error>) {
        lock.withLock {
            running = false
            progress = nil
            refreshesTotal += 1
            switch result {
            case .success(let value):
                lastResult = value
                lastSuccess = Date()
                lastError = nil
                failures = 0
            case .failure(let error):
                lastError = "\(error)"
                failures += 1
                errorsTotal += 1
            }
        }
    }

    /// Cancels the timer; a refresh in progress finishes (it publishes atomically or not at all).
    func stop() {
        lock.withLock {
            stopped = true
            timer?.cancel()
            timer = nil
        }
    }

    /// Blocks until the refresh on the queue, if any, has ended.
    func drain() {
        queue.sync {}
    }

    struct Snapshot {
        var name: String
        var running: Bool
        var progress: RefreshProgress?
        var lastResult: RefreshResult?
        var lastError: String?
        var lastSuccess: Date?
        var nextRun: Date?
        var failures: Int
        var errorsTotal: Int
        var refreshesTotal: Int
    }

    var snapshot: Snapshot {
        lock.withLock {
            Snapshot(
                name: name, running: running, progress: progress, lastResult: lastResult, lastError: lastError,
                lastSuccess: lastSuccess, nextRun: nextRun, failures: failures, errorsTotal: errorsTotal,
                refreshesTotal: refreshesTotal)
        }
    }
}
