import Foundation
import Logging
import MySQLSource
import Parquet
import SystemSupport

/// Reads every row of a dataset for a full snapshot and hands it on in batches.
///
/// A table is read in keyset chunks, and when the connection breaks or a statement is
/// killed partway (a restarted server, a DBA's KILL, a lock wait timeout), the read goes on
/// from the key of the last batch it delivered, on a new connection, instead of starting
/// the whole snapshot again. Rows of the broken batch were never delivered, so nothing is
/// repeated or skipped. The rows read after a resume come from a later read view than
/// those before it; the watermark is taken before the first row, so the next incremental
/// refresh (with its lookback) covers anything that changed in between.
///
/// A `query` dataset has no key to resume from and is read in one statement.
public final class SnapshotFetcher: @unchecked Sendable {
    let plan: DatasetPlan
    let connector: SourceConnector
    let chunkRows: Int
    let batchRows: Int
    let logger: Logger
    /// Breaks of reading resumed from before the error is passed on.
    var maxResumes = 3
    /// Wait before the first resume, doubled for each further one.
    var resumeDelay: Duration = .seconds(1)
    private(set) var resumes = 0
    private let lock = NSLock()
    private var collected = FetchWarnings()
    private var connection: MySQLConnection
    /// A connection this fetcher opened itself (after a resume) and must close.
    private var ownConnection: MySQLConnection?

    /// `connection` is in the read-only transaction the snapshot reads in; the caller ends it.
    public init(
        plan: DatasetPlan,
        connection: MySQLConnection,
        connector: SourceConnector,
        chunkRows: Int,
        batchRows: Int,
        logger: Logger
    ) {
        self.plan = plan
        self.connection = connection
        self.connector = connector
        self.chunkRows = chunkRows
        self.batchRows = batchRows
        self.logger = logger
    }

    deinit { ownConnection?.close() }

    /// Zero and invalid dates read as NULL, once `run` has returned.
    public var warnings: FetchWarnings { lock.withLock { collected } }

    /// Reads every row, calling `deliver` with each batch until it returns false.
    public func run(_ deliver: (RecordBatch) -> Bool) throws {
        switch plan.dataset.source {
        case .query(let sql):
            let stream = try connection.stream(sql: sql, columns: plan.columns)
            defer { stream.close() }
            while let batch = try stream.next(maxRows: batchRows) {
                if !deliver(batch) { break }
            }
            lock.withLock { collected.merge(stream.warnings) }
        case .table:
            let query = try KeysetQuery(
                table: plan.table!,
                columns: plan.columns.map(\.name),
                key: plan.primaryKey.map { plan.columns[$0].name },
                chunkSize: chunkRows,
                context: "dataset \"\(plan.dataset.name)\""
            )
            var position: KeysetPosition?
            var rows = 0
            while true {
                let scan = try KeysetScan(
                    connection: connection,
                    query: query,
                    columns: plan.columns,
                    resumingAfter: position
                )
                do {
                    defer {
                        scan.close()
                        lock.withLock { collected.merge(scan.warnings) }
                    }
                    while let batch = try scan.next(maxRows: batchRows) {
                        position = scan.position
                        rows += batch.rowCount
                        if !deliver(batch) { return }
                    }
                    return
                } catch let error as MySQLError where error.isTransient && resumes < maxResumes {
                    try resume(after: error, rows: rows)
                }
            }
        }
    }

    /// Waits and reconnects after a transient break: 1, 2, 4 s... apart (the delay doubling
    /// with each break and each failed reconnect), while a restarting server refuses
    /// connections, for at most the source's `read_timeout` of waiting in all, the bound every
    /// statement already has. Each break of reading counts against `maxResumes`; the reconnect
    /// attempts count in the log line. The last error is thrown when either runs out.
    private func resume(after error: MySQLError, rows: Int) throws {
        resumes += 1
        let budget = max(connector.options.readTimeout, resumeDelay * 7)
        var delay = resumeDelay * (1 << (resumes - 1))
        var waited: Duration = .zero
        var attempt = 1
        var what = "reading broke off after \(rows) rows"
        var failure = error
        while true {
            logger.warning(
                "\(what); resuming after the last row read on a new connection in \(delay) (break \(resumes) of at most \(maxResumes), reconnect attempt \(attempt))",
                metadata: ["error": "\(failure)", "phase": "fetching", "rows": "\(rows)"]
            )
            Thread.sleep(forTimeInterval: delay.timeInterval)
            waited += delay
            do {
                try reconnect()
                return
            } catch let next as MySQLError where next.isTransient && waited + delay * 2 <= budget {
                failure = next
                what = "reconnecting failed"
                delay *= 2
                attempt += 1
            }
        }
    }

    /// Replaces the connection with a new one, in a read-only transaction of its own.
    private func reconnect() throws {
        ownConnection?.close()
        let fresh = try connector.connect()
        do {
            try fresh.startReadOnlySnapshot()
        } catch {
            fresh.close()
            throw error
        }
        ownConnection = fresh
        connection = fresh
    }

    /// Ends the read-only transaction of a connection this fetcher opened.
    public func finish() {
        if let ownConnection {
            try? ownConnection.commit()
            ownConnection.close()
            self.ownConnection = nil
        }
    }
}
