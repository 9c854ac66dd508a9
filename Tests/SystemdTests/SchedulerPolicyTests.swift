import Foundation
import MySQLSource
import Testing

@testable import Daemon
@testable import Publishing

/// The scheduler's decisions, apart from timers and threads: when the next refresh runs, when
/// it reconciles, and what STATUS=, status.json and the metrics say.
@Suite struct Backoff {
    @Test func doublesFromFiveSecondsAndNeverExceedsTheInterval() {
        let every = Duration.seconds(5 * 60)
        let delays = (1...9).map { DatasetSchedule.backoff(failures: $0, every: every) }
        #expect(delays == [5, 10, 20, 40, 80, 160, 300, 300, 300].map { Duration.seconds($0) })
        #expect(DatasetSchedule.backoff(failures: 1_000, every: every) == every)
        #expect(DatasetSchedule.backoff(failures: 3, every: .seconds(7)) == .seconds(7))
    }

    @Test func jitterIsAtMostFivePercentAndTenSeconds() {
        #expect(DatasetSchedule.jitter(every: .seconds(60), random: 1) == .seconds(3))
        #expect(DatasetSchedule.jitter(every: .seconds(3600), random: 1) == .seconds(10))
        #expect(DatasetSchedule.jitter(every: .seconds(3600), random: 0) == .zero)
        for _ in 0..<100 {
            let jitter = DatasetSchedule.jitter(every: .seconds(300))
            #expect(jitter >= .zero && jitter <= .seconds(10))
        }
    }

    @Test func aRequestedRefreshRunsNextAndOnlyOnce() {
        let schedule = DatasetSchedule(dataset: orders())
        #expect(schedule.nextDelay() >= .seconds(300))
        schedule.requestImmediateRefresh()
        #expect(schedule.nextDelay() == .zero)
        schedule.began(expectedRows: nil, reconciling: false)
        #expect(schedule.nextDelay() >= .seconds(300), "the refresh that began satisfied the request")
        schedule.finished(.failure(CancellationError()))
        #expect(schedule.nextDelay() == .seconds(5))
        #expect(schedule.snapshot.lastError != nil && schedule.snapshot.errorsTotal == 1)
    }
}

@Suite struct Reconciliation {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func isDueOnceReconcileEveryHasPassed() {
        let dataset = orders()  // reconcile_every 24h
        var state = DatasetState(watermark: 1, version: 4, lastReconcile: now.addingTimeInterval(-23 * 3600))
        #expect(!Scheduler.reconcileDue(dataset: dataset, state: state, now: now))
        state.lastReconcile = now.addingTimeInterval(-24 * 3600)
        #expect(Scheduler.reconcileDue(dataset: dataset, state: state, now: now))
        state.lastReconcile = nil
        #expect(Scheduler.reconcileDue(dataset: dataset, state: state, now: now))
    }

    @Test func isNeverDueForAReadThatIsWholeAnyway() {
        var whole = orders()
        whole.updatedAt = nil
        let state = DatasetState(watermark: 1, version: 4, lastReconcile: nil)
        #expect(!Scheduler.reconcileDue(dataset: whole, state: state, now: now))
        #expect(!Scheduler.reconcileDue(dataset: orders(), state: nil, now: now), "nothing published: a snapshot comes")
        #expect(!Scheduler.reconcileDue(dataset: orders(), state: DatasetState(), now: now))
    }

    @Test func wholeReadsAreTheOnesWhoseProgressCanBeEstimated() {
        #expect(!Scheduler.readsWholeDataset(orders(), state: DatasetState(watermark: 1, version: 2, rows: 10)))
        #expect(Scheduler.readsWholeDataset(orders(), state: nil))
        #expect(Scheduler.readsWholeDataset(orders(), state: DatasetState(version: 2, rows: 10)))
        var query = orders()
        query.source = .query("SELECT * FROM orders")
        #expect(Scheduler.readsWholeDataset(query, state: DatasetState(watermark: 1, version: 2, rows: 10)))
    }
}

@Suite struct StatusLine {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func readsLikeTheIssueSays() {
        var orders = DatasetSchedule.Snapshot(dataset: SystemdTests.orders())
        orders.published = DatasetState(
            watermark: 1,
            version: 124,
            rows: 5_000_000,
            lastSuccess: now.addingTimeInterval(-150)
        )
        var offers = DatasetSchedule.Snapshot(dataset: SystemdTests.orders(name: "offers"))
        offers.activity = .refreshing
        offers.expectedRows = 2_000_000
        offers.progress = RefreshProgress(dataset: "offers", phase: .fetching, rows: 800_000, seconds: 3)
        #expect(
            StatusSummary.line([orders, offers], now: now) == "orders v124 5.0M rows 2m ago; offers refreshing 40%"
        )
    }

    @Test func aDeltaShowsItsPhaseAndRowsSoFar() {
        var s = DatasetSchedule.Snapshot(dataset: SystemdTests.orders())
        s.activity = .refreshing
        s.progress = RefreshProgress(dataset: "orders", phase: .fetching, rows: 12_345, seconds: 1)
        #expect(StatusSummary.line([s], now: now) == "orders fetching 12k rows")
        s.progress = RefreshProgress(dataset: "orders", phase: .connecting, rows: 0, seconds: 0)
        s.overdue = true
        #expect(StatusSummary.line([s], now: now) == "orders connecting (overdue)")
        s.progress = nil
        #expect(StatusSummary.line([s], now: now) == "orders refreshing (overdue)")
    }

    @Test func waitingFailingAndNeverPublished() {
        var waiting = DatasetSchedule.Snapshot(dataset: SystemdTests.orders(name: "a"))
        waiting.activity = .waiting
        var failing = DatasetSchedule.Snapshot(dataset: SystemdTests.orders(name: "b"))
        failing.failures = 3
        failing.published = DatasetState(
            watermark: 1,
            version: 7,
            rows: 812,
            lastSuccess: now.addingTimeInterval(-3 * 86400)
        )
        let fresh = DatasetSchedule.Snapshot(dataset: SystemdTests.orders(name: "c"))
        #expect(
            StatusSummary.line([waiting, failing, fresh], now: now)
                == "a waiting for a refresh slot; b v7 812 rows 3d ago (failing 3x); c nothing published yet"
        )
        #expect(StatusSummary.line([], now: now) == "no datasets")
    }

    @Test func percentComesFromThePreviousRowCountAndStaysBelowAHundredUntilDone() {
        var s = DatasetSchedule.Snapshot(dataset: SystemdTests.orders())
        s.activity = .refreshing
        s.expectedRows = 1000
        s.progress = RefreshProgress(dataset: "orders", phase: .fetching, rows: 1500, seconds: 1)
        #expect(StatusSummary.percent(s) == 99, "more rows than last time")
        s.progress = RefreshProgress(dataset: "orders", phase: .publishing, rows: 1500, seconds: 1)
        #expect(StatusSummary.line([s], now: now) == "orders refreshing 99% (publishing)")
        s.expectedRows = nil
        #expect(StatusSummary.percent(s) == nil)
    }

    @Test(arguments: [(999, "999"), (10_000, "10k"), (999_999, "999k"), (1_000_000, "1.0M"), (160_400_000, "160.4M")])
    func countsAreShort(n: Int, text: String) {
        #expect(StatusSummary.count(n) == text)
    }
}

@Suite struct StatusFiles {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func snapshot() -> DatasetSchedule.Snapshot {
        var s = DatasetSchedule.Snapshot(dataset: SystemdTests.orders(name: "or\"ders"))
        s.published = DatasetState(
            watermark: Int64((now.timeIntervalSince1970 - 90) * 1e6),
            version: 12,
            rows: 5000,
            lastReconcile: now.addingTimeInterval(-3600),
            lastSuccess: now.addingTimeInterval(-60),
            lastDuration: 0.812
        )
        s.nextRun = now.addingTimeInterval(240)
        s.errorsTotal = 2
        s.refreshesTotal = 9
        return s
    }

    @Test func statusJSONTellsDashboardsHowFreshEachDatasetIs() throws {
        let document = StatusWriter.document([snapshot()], startedAt: now.addingTimeInterval(-600), now: now)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(document.encoded())) as? [String: Any])
        let entry = try #require((json["datasets"] as? [String: Any])?["or\"ders"] as? [String: Any])
        #expect(entry["version"] as? Int == 12)
        #expect(entry["rows"] as? Int == 5000)
        #expect(entry["last_success"] as? String == "2027-01-15T07:59:00Z")
        #expect(entry["last_duration_seconds"] as? Double == 0.812)
        #expect(entry["next_run"] as? String == "2027-01-15T08:04:00Z")
        #expect(entry["data_as_of"] as? String == "2027-01-15T07:58:30Z")
        #expect(entry["lag_seconds"] as? Int == 90)
        #expect(entry["last_reconcile"] as? String == "2027-01-15T07:00:00Z")
        #expect(entry["next_reconcile"] as? String == "2027-01-16T07:00:00Z")
        #expect(entry["state"] as? String == "idle")
        #expect(entry["consecutive_failures"] as? Int == 0)
        #expect(entry["overdue"] as? Bool == false)
        // docs/operations.md: every key is there, absent values as null.
        for key in ["last_error", "last_error_at", "progress"] { #expect(entry[key] is NSNull, "\(key)") }
        #expect(entry.count == 15)
        let daemon = try #require(json["daemon"] as? [String: Any])
        #expect(daemon["running"] as? Bool == true)
        #expect(daemon["started_at"] as? String == "2027-01-15T07:50:00Z")
        #expect(daemon["pid"] as? Int == Int(getpid()))
        #expect(json["generated_at"] as? String == "2027-01-15T08:00:00Z")
        // The reader (`parquet-publisher status`) reads what the writer wrote.
        #expect(try StatusDocument.decode(document.encoded()) == document)
    }

    /// Issue 10: status.json is public, so a failure shows as its kind and codes only; the
    /// host, port, user and SQL stay in the journal and the private state file.
    @Test(arguments: [
        (
            MySQLError(
                code: .connectionFailed,
                message: "connecting to db.internal:3307 as 'reader' failed: Access denied for user 'reader'",
                mysqlErrno: 1045,
                sqlState: "28000",
                location: .init(function: "f", file: "f", line: 1)
            ),
            "cannot connect to the source database (MySQL error 1045, SQLSTATE 28000)"
        ),
        (
            MySQLError(
                code: .statementFailed,
                message: "executing: SELECT `id`, `secret_column` FROM `shop`.`orders` WHERE `id` > ?",
                mysqlErrno: 1317,
                sqlState: "70100",
                location: .init(function: "f", file: "f", line: 1)
            ),
            "a statement on the source database failed (MySQL error 1317, SQLSTATE 70100)"
        ),
    ])
    func aFailureIsPublishedWithoutHostUserOrSQL(error: MySQLError, expected: String) throws {
        var s = snapshot()
        let wrapped = PublishingError(.sourceFailed, "reading shop.orders failed after 0 rows", cause: error)
        let schedule = DatasetSchedule(dataset: s.dataset)
        schedule.finished(.failure(wrapped))
        s = schedule.snapshot
        let entry = StatusSummary.entry(s, now: now)
        #expect(entry.lastError == expected)
        let text = String(decoding: try StatusWriter.document([s], startedAt: now, now: now).encoded(), as: UTF8.self)
        for secret in ["db.internal", "3307", "reader", "SELECT", "secret_column", "shop"] {
            #expect(!text.contains(secret), "status.json shows \(secret): \(text)")
        }
    }

    @Test func aFailureRecordedBeforeTheDaemonStartedIsNotCopiedFromTheStateFile() {
        var s = snapshot()
        s.published?.lastError = "cannot connect to db.internal:3307 as 'reader'"
        s.published?.lastErrorAt = now
        #expect(StatusSummary.entry(s, now: now).lastError == PublicErrorMessage.unknown)
    }

    @Test func metricsAreValidPrometheusText() {
        let text = StatusWriter.metrics([snapshot()], now: now)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"parquet_publisher_version{dataset="or\"ders"} 12"#))
        #expect(lines.contains(#"parquet_publisher_rows{dataset="or\"ders"} 5000"#))
        #expect(lines.contains(#"parquet_publisher_refresh_duration_seconds{dataset="or\"ders"} 0.812"#))
        #expect(lines.contains(#"parquet_publisher_refresh_errors_total{dataset="or\"ders"} 2"#))
        #expect(lines.contains(#"parquet_publisher_last_success_timestamp_seconds{dataset="or\"ders"} 1799999940"#))
        #expect(lines.contains(#"parquet_publisher_data_lag_seconds{dataset="or\"ders"} 90"#))
        #expect(lines.contains("# TYPE parquet_publisher_refresh_errors_total counter"))
        for line in lines where !line.hasPrefix("#") {
            #expect(
                line.wholeMatch(of: /parquet_publisher_[a-z_]+\{dataset="(?:[^"\\]|\\.)*"\} -?[0-9.]+/) != nil,
                "\(line)"
            )
        }
        #expect(text.hasSuffix("\n"))
    }
}

@Suite struct ConcurrencyLimit {
    @Test func noMoreThanTheLimitRunAtOnceAndAStopRefusesTheRest() async throws {
        let limiter = RefreshLimiter(limit: 2)
        let peak = Peak()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            if limiter.acquire() {
                                peak.enter()
                                usleep(20_000)
                                peak.leave()
                                limiter.release()
                            }
                            continuation.resume()
                        }
                    }
                }
            }
        }
        #expect(peak.maximum == 2)
        #expect(limiter.inUse == 0)
        limiter.cancel()
        #expect(!limiter.acquire())
    }

    @Test func aWaiterWakesWhenTheLimitGrows() async {
        let limiter = RefreshLimiter(limit: 1)
        #expect(limiter.acquire())
        let acquired = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: limiter.acquire()) }
            usleep(50_000)
            limiter.setLimit(2)
        }
        #expect(acquired)
        #expect(limiter.inUse == 2)
    }
}

final class Peak: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var maximum = 0
    func enter() {
        lock.withLock {
            current += 1
            maximum = max(maximum, current)
        }
    }
    func leave() { lock.withLock { current -= 1 } }
}

/// A dataset refreshed every 5 minutes, incrementally, reconciled daily.
func orders(name: String = "orders") -> DatasetConfiguration {
    var dataset = DatasetConfiguration(name: name, source: .table(schema: nil, name: "orders"), primaryKey: ["id"])
    dataset.updatedAt = "updated_at"
    return dataset
}
