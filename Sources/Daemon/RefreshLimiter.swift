import Foundation

/// At most `limit` refreshes at once across all datasets (`max_concurrent_refreshes`; the
/// source is often a fragile legacy server). Unlike a DispatchSemaphore, the limit can change
/// on reload, and a stop wakes every waiter so that it gives up instead of starting work.
///
/// `acquire()` blocks the calling dataset's queue, never the main queue.
final class RefreshLimiter: @unchecked Sendable {
    private let condition = NSCondition()
    private var limit: Int
    private var running = 0
    private var cancelled = false

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a free slot. - Returns: false when the limiter was cancelled (the daemon stops).
    func acquire() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && running >= limit { condition.wait() }
        guard !cancelled else { return false }
        running += 1
        return true
    }

    func release() {
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// A new limit from a reloaded configuration; refreshes running above it finish normally.
    func setLimit(_ newLimit: Int) {
        condition.lock()
        limit = max(1, newLimit)
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes every waiter with a refusal; later acquires are refused too.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    var inUse: Int {
        condition.lock()
        defer { condition.unlock() }
        return running
    }
}
