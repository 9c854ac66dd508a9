import CSystemd
import Foundation
import SystemSupport

/// Tells systemd how the service is doing (sd_notify(3)): READY, RELOADING, STOPPING, STATUS,
/// WATCHDOG, EXTEND_TIMEOUT_USEC. The only file that calls libsystemd's notify API.
///
/// `sd_notifyf` is variadic and does not import into Swift; messages are built here and sent
/// with `sd_notify`. NOTIFY_SOCKET stays in the environment (unset_environment = 0) so that
/// a reload, which re-reads it, keeps working.
public struct SystemdNotifier: Sendable {
    /// Whether systemd listens (NOTIFY_SOCKET is set). Without it every call is a no-op.
    public static var isAvailable: Bool { ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil }

    public init() {}

    /// Sends `state` (newline-separated assignments). Returns false when nothing listens or
    /// the send failed; the daemon keeps running either way. The corresponding C function is
    /// `sd_notify`.
    @discardableResult
    public func send(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    @discardableResult public func ready(status: String? = nil) -> Bool {
        send("READY=1" + (status.map { "\nSTATUS=" + Self.oneLine($0) } ?? ""))
    }

    /// RELOADING=1 with MONOTONIC_USEC, which Type=notify-reload services must send (systemd 253+).
    @discardableResult public func reloading() -> Bool {
        send("RELOADING=1\nMONOTONIC_USEC=\(Syscall.monotonicMicroseconds())")
    }

    @discardableResult public func stopping() -> Bool { send("STOPPING=1") }
    @discardableResult public func status(_ text: String) -> Bool { send("STATUS=" + Self.oneLine(text)) }
    @discardableResult public func watchdog() -> Bool { send("WATCHDOG=1") }

    /// Asks for more time for start-up, reload or stop work still in progress.
    @discardableResult public func extendTimeout(_ duration: Duration) -> Bool {
        send("EXTEND_TIMEOUT_USEC=\(duration.wholeMicroseconds)")
    }

    /// The WatchdogSec= systemd expects pings within; nil when the watchdog is off (or meant
    /// for another process: WATCHDOG_PID). The corresponding C function is `sd_watchdog_enabled`.
    public var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
