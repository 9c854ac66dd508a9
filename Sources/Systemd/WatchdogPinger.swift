import Dispatch
import Synchronization
import SystemSupport

/// Pings WATCHDOG=1 at half systemd's interval, but only while `isHealthy` says the daemon's
/// scheduler is alive. A wedged scheduler stops the pings and systemd restarts the service; a
/// long refresh on its own queue does not wedge the scheduler, so it is never killed for it.
public final class WatchdogPinger: @unchecked Sendable {
    private let timer: any DispatchSourceTimer

    public init(notifier: SystemdNotifier, interval: Duration, isHealthy: @escaping @Sendable () -> Bool) {
        let queue = DispatchQueue(label: "parquet-publisher.watchdog")
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: max(interval / 2, .milliseconds(1)).dispatchInterval)
        timer.setEventHandler {
            if isHealthy() { notifier.watchdog() }
        }
    }

    public func start() { timer.resume() }
    public func stop() { timer.cancel() }
}
