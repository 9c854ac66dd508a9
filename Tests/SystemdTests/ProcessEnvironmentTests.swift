import Foundation
import Glibc
import SystemSupport
import Testing

@testable import Systemd

/// Suites that set NOTIFY_SOCKET, WATCHDOG_USEC or JOURNAL_STREAM: the process environment is
/// shared, so they run one at a time (`.serialized` applies to the nested suites too), and each
/// test restores what it set.
@Suite(.serialized) struct ProcessEnvironment {}

/// Sets `variables` for the duration of `body`, then restores the previous values.
func withEnvironment<T>(_ variables: [String: String?], _ body: () throws -> T) rethrows -> T {
    let previous = variables.keys.map { ($0, getenv($0).map { String(cString: $0) }) }
    for (name, value) in variables {
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in previous {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try body()
}

extension ProcessEnvironment {
    @Suite struct SystemdNotification {
        func withListener(_ body: (NotifyListener) throws -> Void) throws {
            let listener = try NotifyListener()
            try withEnvironment(["NOTIFY_SOCKET": listener.path]) { try body(listener) }
        }

        @Test func readySendsReadyWithTheStatusOnOneLine() throws {
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
                notifier.extendTimeout(.milliseconds(1500))
                #expect(listener.receive() == "EXTEND_TIMEOUT_USEC=1500000")
            }
        }

        @Test func reloadingCarriesTheMonotonicClock() throws {
            try withListener { listener in
                let before = Syscall.monotonicMicroseconds()
                SystemdNotifier().reloading()
                let after = Syscall.monotonicMicroseconds()
                let message = try #require(listener.receive())
                let lines = message.split(separator: "\n").map(String.init)
                #expect(lines.count == 2)
                #expect(lines.first == "RELOADING=1")
                let last = try #require(lines.last)
                #expect(last.hasPrefix("MONOTONIC_USEC="))
                let value = try #require(UInt64(last.dropFirst("MONOTONIC_USEC=".count)))
                #expect(value >= before && value <= after)
                // CLOCK_MONOTONIC, not the wall clock: far below the microseconds since 1970.
                #expect(value < UInt64(Date().timeIntervalSince1970 * 1e6) / 2)
            }
        }

        @Test func withoutNotifySocketNothingIsSent() {
            withEnvironment(["NOTIFY_SOCKET": nil]) {
                #expect(!SystemdNotifier.isAvailable)
                #expect(!SystemdNotifier().ready())
                #expect(!SystemdNotifier().watchdog())
            }
        }

        @Test func theWatchdogIntervalComesFromWatchdogUsecForThisProcess() {
            withEnvironment(["WATCHDOG_USEC": "8000000", "WATCHDOG_PID": "\(getpid())"]) {
                #expect(SystemdNotifier().watchdogInterval == .seconds(8))
            }
            withEnvironment(["WATCHDOG_USEC": "8000000", "WATCHDOG_PID": "\(getpid() + 1)"]) {
                #expect(SystemdNotifier().watchdogInterval == nil, "the watchdog was meant for another process")
            }
            withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
                #expect(SystemdNotifier().watchdogInterval == nil)
            }
        }

        @Test func theWatchdogPingsAtHalfTheIntervalOnlyWhileHealthy() throws {
            try withListener { listener in
                let healthy = HealthFlag()
                let pinger = WatchdogPinger(notifier: SystemdNotifier(), interval: .milliseconds(400)) { healthy.value }
                pinger.start()
                defer { pinger.stop() }
                // Pings at 0, 200, 400, ... ms: about six in 1.1 s.
                let healthyPings = listener.collect(for: 1.1)
                #expect(Set(healthyPings) == ["WATCHDOG=1"])
                #expect((3...8).contains(healthyPings.count), "\(healthyPings.count) pings in 1.1 s at a 200 ms period")

                healthy.set(false)
                _ = listener.collect(for: 0.25)  // a ping already in flight
                #expect(listener.collect(for: 0.8).isEmpty, "pings went on while the scheduler was unhealthy")

                healthy.set(true)
                #expect(listener.collect(for: 0.5).contains("WATCHDOG=1"), "pings did not resume once healthy again")
            }
        }
    }

    @Suite struct JournalStreamDetection {
        @Test func stderrIsTheJournalOnlyWhenJournalStreamNamesIt() throws {
            var info = stat()
            try #require(fstat(STDERR_FILENO, &info) == 0)
            withEnvironment(["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]) {
                #expect(SystemdLogging.stderrIsJournal)
                #expect(SystemdLogging.makeHandler(label: "t") is JournaldLogHandler)
            }
            withEnvironment(["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"]) {
                #expect(!SystemdLogging.stderrIsJournal, "a stream that is not our stderr (a redirected child)")
                #expect(SystemdLogging.makeHandler(label: "t") is StderrLogHandler)
            }
            withEnvironment(["JOURNAL_STREAM": nil]) {
                #expect(!SystemdLogging.stderrIsJournal)
                #expect(SystemdLogging.makeHandler(label: "t", level: .debug).logLevel == .debug)
            }
        }

        @Test(arguments: ["", "8", "8:", ":12", "8:12:3", "x:12", "-1:12"])
        func malformedJournalStreamValuesMatchNothing(value: String) {
            #expect(!SystemdLogging.journalStream(value, matchesDevice: 8, inode: 12))
        }

        @Test func aWellFormedValueMatchesItsDeviceAndInode() {
            #expect(SystemdLogging.journalStream("8:12", matchesDevice: 8, inode: 12))
            #expect(!SystemdLogging.journalStream("8:12", matchesDevice: 9, inode: 12))
        }
    }
}
