import Foundation
import Glibc
import Logging
import Testing

@testable import Systemd

/// A NOTIFY_SOCKET listener of the test's own: the datagrams sd_notify sends, as systemd sees them.
final class NotifyListener {
    let path: String
    private let fd: Int32

    init() throws {
        path = NSTemporaryDirectory() + "pp-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The next datagram, or nil after two seconds of silence.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}

@Suite(.serialized) struct SystemdNotification {
    /// Runs `body` with NOTIFY_SOCKET pointing at a fresh listener (this suite alone sets it).
    func withListener(_ body: (NotifyListener) throws -> Void) throws {
        let listener = try NotifyListener()
        setenv("NOTIFY_SOCKET", listener.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        try body(listener)
    }

    @Test func readySendsReadyAndTheStatusLine() throws {
        try withListener { listener in
            #expect(SystemdNotifier().ready(status: "orders v3 1.2M rows\n5s ago"))
            #expect(listener.receive() == "READY=1\nSTATUS=orders v3 1.2M rows 5s ago")
        }
    }

    @Test func everyStateHasItsAssignment() throws {
        try withListener { listener in
            let notifier = SystemdNotifier()
            notifier.status("offers refreshing 40%")
            #expect(listener.receive() == "STATUS=offers refreshing 40%")
            notifier.watchdog()
            #expect(listener.receive() == "WATCHDOG=1")
            notifier.stopping()
            #expect(listener.receive() == "STOPPING=1")
            notifier.extendTimeout(.seconds(90))
            #expect(listener.receive() == "EXTEND_TIMEOUT_USEC=90000000")
        }
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        try withListener { listener in
            let before = SystemdNotifier.monotonicMicroseconds()
            SystemdNotifier().reloading()
            let message = try #require(listener.receive())
            let lines = message.split(separator: "\n")
            #expect(lines.first == "RELOADING=1")
            let value = try #require(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
            #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true)
            #expect(value >= before && value <= SystemdNotifier.monotonicMicroseconds())
        }
    }

    @Test func withoutNotifySocketNothingIsSent() {
        unsetenv("NOTIFY_SOCKET")
        #expect(!SystemdNotifier.isAvailable)
        #expect(!SystemdNotifier().ready())
    }

    @Test func theWatchdogPingsOnlyWhileHealthy() throws {
        try withListener { listener in
            let healthy = HealthFlag()
            let pinger = WatchdogPinger(notifier: SystemdNotifier(), interval: .milliseconds(200), isHealthy: { healthy.value })
            pinger.start()
            defer { pinger.stop() }
            #expect(listener.receive() == "WATCHDOG=1")
            healthy.set(false)
            usleep(150_000)
            // Drain a ping that may have been in flight, then expect silence.
            while let message = listener.receive(), message == "WATCHDOG=1" {
                if !healthy.value { break }
            }
            #expect(listener.receive() == nil, "pings continued while the scheduler was unhealthy")
        }
    }
}

final class HealthFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var state = true
    var value: Bool { lock.withLock { state } }
    func set(_ v: Bool) { lock.withLock { state = v } }
}

@Suite struct LogFormats {
    @Test func stderrLinesAreReadableWithSortedMetadata() {
        let line = StderrLogHandler.line(
            date: Date(timeIntervalSince1970: 1_764_032_523.456), level: .info, message: "published v12",
            metadata: ["dataset": "orders", "rows": "5000000", "duration_ms": "812", "note": "two words"])
        #expect(line == "2025-11-25T01:02:03.456Z info orders: published v12 duration_ms=812 note=\"two words\" rows=5000000")
    }

    @Test func passwordsNeverReachALine() {
        let line = StderrLogHandler.line(
            date: Date(timeIntervalSince1970: 0), level: .error, message: "x", metadata: ["mysql_password": "hunter2"])
        #expect(!line.contains("hunter2"))
        let fields = JournaldLogHandler.fields(level: .error, message: "x", metadata: ["password": "hunter2"], file: "f", function: "g", line: 1)
        #expect(!fields.joined().contains("hunter2"))
    }

    @Test func journalFieldsCarryTheMetadataUpperCased() {
        let fields = JournaldLogHandler.fields(
            level: .warning, message: "published v3",
            metadata: ["dataset": "orders", "version": "3", "rows": "10", "duration_ms": "81", "phase": "done", "error": "none", "9lives": "x", "_private": "y"],
            file: "Refresh.swift", function: "refresh()", line: 42)
        #expect(fields.contains("MESSAGE=published v3"))
        #expect(fields.contains("PRIORITY=4"))
        #expect(fields.contains("SYSLOG_IDENTIFIER=parquet-publisher"))
        #expect(fields.contains("CODE_LINE=42"))
        for field in ["DATASET=orders", "VERSION=3", "ROWS=10", "DURATION_MS=81", "PHASE=done", "ERROR=none", "LIVES=x", "PRIVATE=y"] {
            #expect(fields.contains(field), "missing \(field) in \(fields)")
        }
    }

    @Test func logLevelsMapToSyslogPriorities() {
        #expect(JournaldLogHandler.priority(.critical) == 2)
        #expect(JournaldLogHandler.priority(.error) == 3)
        #expect(JournaldLogHandler.priority(.info) == 6)
        #expect(JournaldLogHandler.priority(.debug) == 7)
    }
}
