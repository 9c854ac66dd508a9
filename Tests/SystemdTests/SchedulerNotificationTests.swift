import Dispatch
import Foundation
import Glibc
import Logging
import Publishing
import TestSupport
import Testing

@testable import Daemon

extension ProcessEnvironment {
    /// The scheduler in this process, against a NOTIFY_SOCKET of the test's own and a source
    /// that refuses connections: what it tells systemd at start, while failing, on a rejected
    /// reload and on stop.
    @Suite struct SchedulerNotifications {
        func configuration(port: Int, lookback: String = "48h", in directory: URL) -> String {
            """
            [source]
            host = "127.0.0.1"
            port = \(port)
            user = "reader"
            password_file = "password"
            database = "shop"

            [publish]
            directory = "\(directory.path)/public"
            state_directory = "\(directory.path)/state"
            metrics_file = "\(directory.path)/metrics/pp.prom"

            [[dataset]]
            name = "orders"
            table = "orders"
            primary_key = ["id"]
            updated_at = "updated_at"
            every = "1h"
            lookback = "\(lookback)"
            """
        }

        /// Datagrams until one satisfies `last`, for up to `seconds`.
        func messages(from listener: NotifyListener, until last: (String) -> Bool, within seconds: Double) -> [String] {
            var messages: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                guard let message = listener.receive(timeout: 0.2) else { continue }
                messages.append(message)
                if last(message) { break }
            }
            return messages
        }

        func statusDocument(_ directory: URL) -> [String: Any]? {
            guard let data = FileManager.default.contents(atPath: directory.path + "/public/status.json") else {
                return nil
            }
            return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        }

        @Test func tellsSystemdAtStartWhileFailingOnAReloadItRejectsAndOnStop() throws {
            try withTemporaryDirectory { directory in
                let listener = try NotifyListener()
                let path = directory.path + "/config.toml"
                try "secret".write(toFile: directory.path + "/password", atomically: true, encoding: .utf8)
                // Port 1: nothing listens, every connection is refused at once.
                try configuration(port: 1, in: directory).write(toFile: path, atomically: true, encoding: .utf8)
                let logs = LogCapture()
                let logger = logs.logger()
                let control = DispatchQueue(label: "test.control")
                let exited = DispatchSemaphore(value: 0)

                try withEnvironment([
                    "NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(getpid())",
                ]) {
                    let scheduler = try Scheduler(
                        configuration: try Configuration.load(contentsOf: path),
                        configurationPath: path,
                        logger: logger,
                        control: control,
                        exit: { exited.signal() }
                    )
                    try control.sync { try scheduler.start(handlingSignals: false) }

                    // Start: more time asked for the state check, then READY=1 with the summary.
                    let startup = messages(from: listener, until: { $0.hasPrefix("READY=1") }, within: 5)
                    #expect(startup.first == "EXTEND_TIMEOUT_USEC=60000000", "\(startup)")
                    // The first refresh is armed before READY=1 and may already be under way.
                    let readyStatus = startup.last.flatMap {
                        $0.wholeMatch(
                            of:
                                #/
                                READY=1\nSTATUS=orders\ (nothing\ published\ yet | refreshing
                                | waiting\ for\ a\ refresh\ slot | connecting | describing)
                                /#
                        )
                    }
                    #expect(readyStatus != nil, "\(startup)")
                    #expect(logs.messages.contains { $0.hasPrefix("state checked; ready") })

                    // The refresh fails: STATUS says so, the watchdog keeps pinging (the
                    // scheduler is alive), status.json and the metrics carry the error.
                    let failing = messages(from: listener, until: { $0.contains("failing 1x") }, within: 5)
                    #expect(failing.last == "STATUS=orders nothing published yet (failing 1x)", "\(failing)")
                    #expect(failing.contains("WATCHDOG=1") || listener.collect(for: 1.2).contains("WATCHDOG=1"))
                    #expect(scheduler.isHealthy)
                    let wrote = (0..<50).contains { _ in
                        usleep(100_000)
                        let entry =
                            (statusDocument(directory)?["datasets"] as? [String: Any])?["orders"] as? [String: Any]
                        return (entry?["last_error"] as? String)?.isEmpty == false && entry?["next_run"] is String
                    }
                    #expect(wrote, "status.json never showed the failure: \(statusDocument(directory) ?? [:])")
                    // Issue 10: the public file says what kind of failure, the private state file
                    // and the journal say where and as whom.
                    let entry = (statusDocument(directory)?["datasets"] as? [String: Any])?["orders"] as? [String: Any]
                    let publicError = entry?["last_error"] as? String ?? ""
                    #expect(publicError.hasPrefix("cannot connect to the source database (MySQL error 200"))
                    #expect(!publicError.contains("127.0.0.1") && !publicError.contains("reader"), "\(publicError)")
                    let state = try String(contentsOfFile: directory.path + "/state/orders.json", encoding: .utf8)
                    #expect(state.contains("127.0.0.1:1") && state.contains("'reader'"), "\(state)")
                    #expect(logs.messages.contains { $0.contains("127.0.0.1:1") }, "\(logs.messages)")
                    let metrics = try String(contentsOfFile: directory.path + "/metrics/pp.prom", encoding: .utf8)
                    #expect(
                        metrics.contains("parquet_publisher_refresh_errors_total{dataset=\"orders\"} 1"),
                        "\(metrics)"
                    )
                    #expect(
                        logs.messages.contains { $0.hasPrefix("refresh failed; retrying in 5.0 seconds") },
                        "\(logs.messages)"
                    )

                    // A reload with an invalid file: RELOADING=1 with the monotonic clock, the old
                    // configuration kept and the reason logged, READY=1 again.
                    try configuration(port: 1, lookback: "two days", in: directory).write(
                        toFile: path,
                        atomically: true,
                        encoding: .utf8
                    )
                    control.sync { scheduler.reload() }
                    let reload = messages(from: listener, until: { $0.hasPrefix("READY=1") }, within: 5).filter {
                        $0 != "WATCHDOG=1"
                    }
                    #expect(reload.first?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true, "\(reload)")
                    #expect(reload.last?.hasPrefix("READY=1\nSTATUS=orders") == true, "\(reload)")
                    #expect(
                        logs.messages.contains {
                            $0.contains("invalid; keeping the old one") && $0.contains("lookback")
                        }
                    )

                    // Stop: STOPPING=1, the status marked stopped, then the exit.
                    control.sync { scheduler.stop(signal: "SIGTERM") }
                    #expect(messages(from: listener, until: { $0 == "STOPPING=1" }, within: 5).last == "STOPPING=1")
                    #expect(exited.wait(timeout: .now() + 10) == .success, "the stop never finished")
                    let daemon = statusDocument(directory)?["daemon"] as? [String: Any]
                    #expect(daemon?["running"] as? Bool == false)
                    #expect(logs.messages.last == "stopped")
                }
            }
        }
    }
}
