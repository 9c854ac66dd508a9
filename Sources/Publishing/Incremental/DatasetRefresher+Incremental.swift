import Foundation
import Logging
import MySQLSource
import Parquet

extension DatasetRefresher {
    /// Reads what changed since the watermark (minus the lookback), merges it into the
    /// partitions it touches, and publishes a version in which every other partition is a
    /// hard link. No change: no version, and a log line saying so.
    func incremental(
        plan: DatasetPlan,
        connection: MySQLConnection,
        previousVersion: Int,
        previousIndex: DatasetIndex,
        reconcile: Bool,
        state: inout DatasetState,
        clock: ContinuousClock.Instant
    ) throws -> RefreshResult {
        try connection.startReadOnlySnapshot()
        // The database's clock, on the connection that reads the delta, before it reads.
        let now = try connection.serverNow()
        let since = state.watermark! - dataset.lookback.wholeMicroseconds
        let reader = DeltaReader(
            plan: plan,
            connection: connection,
            chunkRows: chunkRows,
            batchRows: batchRows,
            logger: logger
        )
        logger.info(
            """
            delta plan: \(reader.strategy.rawValue), from \(CivilCalendar.formatDateTime(microseconds: since)) \
            (watermark minus lookback)
            """,
            metadata: ["phase": "fetching"]
        )
        report(.fetching, rows: 0, since: clock)
        let (delta, warnings) = try reader.read(since: since)
        var repairs: Reconciler.Repairs?
        let reconcileDue = reconcile || state.isReconciliationDue(every: dataset.reconcileEvery, now: Date())

        // The previous version's files, checked before they are linked or read: changed on disk
        // since written, or due for the scrub (all of them when reconciling, which reads them all).
        let check = try PublishedFileCheck(
            versionDirectory: directory.versionPath(previousVersion),
            index: previousIndex,
            stamps: state.publishedFiles
        ).run(scrubBytes: reconcileDue ? Int64.max : scrubBudget(previousIndex))
        state.publishedFiles = check.stamps
        var replacement: RecordBatch?
        if !check.corrupt.isEmpty {
            for corrupt in check.corrupt {
                logger.error(
                    "published file \(corrupt.path) is corrupt: \(corrupt.reason); rewriting partition \(corrupt.file.partition) from the source",
                    metadata: [
                        "phase": "verifying", "file": "\(corrupt.path)", "partition": "\(corrupt.file.partition)",
                    ]
                )
            }
            do {
                replacement = try PartitionRepair(plan: plan, connection: connection, batchRows: batchRows)
                    .rows(of: check.corrupt.map { ($0.file, $0.path) })
            } catch let error as PartitionRepair.Unrepairable {
                try? connection.rollback()
                throw RebuildRequired(reason: "a corrupt published file cannot be repaired by partition (\(error))")
            }
        } else if check.filesVerified > 0 {
            logger.debug(
                "verified \(check.filesVerified) published files (\(check.bytesVerified) bytes) against their checksums",
                metadata: ["phase": "verifying"]
            )
        }
        if reconcileDue && replacement != nil {
            logger.notice(
                "reconciliation postponed to the next cycle: this one repairs corrupt files",
                metadata: ["phase": "reconciling"]
            )
        } else if reconcileDue {
            report(.reconciling, rows: delta.rowCount, since: clock)
            let reconciler = Reconciler(
                plan: plan,
                connection: connection,
                versionDirectory: directory.versionPath(previousVersion),
                previousIndex: previousIndex,
                chunkRows: chunkRows,
                batchRows: batchRows,
                logger: logger
            )
            repairs = try reconciler.findRepairs()
        }
        try connection.commit()
        if !warnings.isEmpty {
            logger.warning("zero or invalid dates were read as NULL", metadata: ["warnings": "\(warnings)"])
        }

        var changes = ChangeSet(upserts: delta, deletes: KeySet(keyColumns: plan.primaryKey, schema: plan.schema))
        if let replacement {
            // The delta comes last: where both hold a key, it wins (`deduplicate` keeps the last).
            changes.upserts = RecordBatch.concatenate([replacement, changes.upserts], schema: plan.schema)
        }
        if let repairs {
            // Rows re-read from differing chunks merge like the delta; identical ones are no-ops.
            changes.upserts = RecordBatch.concatenate([repairs.upserts, changes.upserts], schema: plan.schema)
            for keys in repairs.deletedKeys {
                changes.deletes.insertAll(of: keys, columns: Array(0..<plan.primaryKey.count))
            }
            state.lastReconcile = Date()
            if repairs.chunksDiffering > 0 {
                logger.warning(
                    """
                    reconciliation: \(repairs.chunksDiffering) of \(repairs.chunks) chunks differed from the source; \
                    \(repairs.deletedKeys.reduce(0) { $0 + $1.rowCount }) deleted rows removed, \
                    \(repairs.upserts.rowCount) rows re-read (frequent repairs mean the lookback or the source's \
                    updated_at discipline is off)
                    """,
                    metadata: ["phase": "reconciling"]
                )
            } else {
                logger.info(
                    "reconciliation: all \(repairs.chunks) chunks match the source",
                    metadata: ["phase": "reconciling"]
                )
            }
        }
        changes.deduplicate()
        changes.applySoftDeletes(column: plan.deletedColumn)
        report(.merging, rows: delta.rowCount, since: clock)

        let version = try directory.nextVersion(after: max(state.version, previousVersion))
        let staging = try directory.beginVersion(version)
        var committed = false
        defer { if !committed { try? staging.discard() } }
        var merger = PartitionMerger(
            plan: plan,
            previousVersion: previousVersion,
            previousIndex: previousIndex,
            directory: directory,
            options: writerOptions,
            keyValueMetadata: ["parquet-publisher.dataset": dataset.name, "parquet-publisher.version": String(version)]
        )
        merger.replaced = Set(check.corrupt.map(\.file.partition))
        let outcome: PartitionMerger.Outcome
        do {
            outcome = try merger.apply(changes, into: staging)
        } catch let error as PublishingError where error.code == .corruptPublishedFile {
            // Forget every stamp: the next cycle verifies each file and repairs the damaged one.
            state.publishedFiles = [:]
            throw error
        }

        let seconds: () -> Double = { Self.seconds(since: clock) }
        let totalBytes =
            outcome.rewritten.reduce(0) { $0 + $1.summary.bytes } + outcome.carried.reduce(0) { $0 + Int($1.bytes) }
        if outcome.rewritten.isEmpty && outcome.carried.count == previousIndex.files.count {
            // Nothing differs from what is published: keep it, advance the watermark.
            state.watermark = now
            let derivedResults = try catchUpDerived(plan: plan, current: previousVersion, index: previousIndex)
            // `rows` is the published version's, as in every "published" line; what was read
            // is `rows_fetched`.
            logger.info(
                "no changes since the last refresh: v\(previousVersion) stays, \(previousIndex.rows) rows (\(delta.rowCount) rows read within the lookback, all as published)",
                metadata: [
                    "version": "\(previousVersion)", "rows": "\(previousIndex.rows)",
                    "rows_fetched": "\(delta.rowCount)", "duration_ms": "\(Int(seconds() * 1000))", "phase": "done",
                ]
            )
            return RefreshResult(
                dataset: dataset.name,
                version: nil,
                rows: previousIndex.rows,
                rowsFetched: delta.rowCount,
                files: previousIndex.files.count,
                filesRewritten: 0,
                bytesWritten: 0,
                totalBytes: totalBytes,
                seconds: seconds(),
                full: false,
                warnings: [],
                derived: derivedResults
            )
        }
        let rows = outcome.rewritten.reduce(0) { $0 + $1.summary.rows } + outcome.carried.reduce(0) { $0 + $1.rows }
        let (published, derivedResults) = try publish(
            staging: staging,
            plan: plan,
            rewritten: outcome.rewritten,
            carried: outcome.carried,
            previous: previousVersion,
            rows: rows,
            watermark: now,
            full: false,
            state: &state,
            clock: clock
        )
        committed = true
        let bytesWritten = outcome.rewritten.reduce(0) { $0 + $1.summary.bytes }
        logger.info(
            """
            published v\(published): \(delta.rowCount) changed rows read, \(outcome.rewritten.count) of \
            \(outcome.rewritten.count + outcome.carried.count) files rewritten (\(bytesWritten) of \(totalBytes) \
            bytes), \(outcome.candidatesRead) files searched for moved or deleted keys
            """,
            metadata: [
                "version": "\(published)", "rows": "\(rows)", "duration_ms": "\(Int(seconds() * 1000))",
                "phase": "done",
            ]
        )
        if !check.corrupt.isEmpty {
            logger.notice(
                "repaired \(check.corrupt.count) corrupt files in v\(published): \(check.corrupt.map(\.file.path).joined(separator: ", "))",
                metadata: ["version": "\(published)", "phase": "done"]
            )
        }
        return RefreshResult(
            dataset: dataset.name,
            version: published,
            rows: rows,
            rowsFetched: delta.rowCount,
            files: outcome.rewritten.count + outcome.carried.count,
            filesRewritten: outcome.rewritten.count,
            bytesWritten: bytesWritten,
            totalBytes: totalBytes,
            seconds: seconds(),
            full: false,
            warnings: warnings.isEmpty ? [] : ["\(warnings)"],
            derived: derivedResults
        )
    }

    /// Bytes of published files the scrub verifies in one cycle: the version's size spread over
    /// the cycles of one `reconcile_every`, so each file is read about once per reconciliation
    /// period (a 5 GB dataset refreshed every 5 minutes and reconciled daily: 18 MB a cycle).
    func scrubBudget(_ index: DatasetIndex) -> Int64 {
        let total = index.files.reduce(Int64(0)) { $0 + $1.bytes }
        let cycles = max(1, dataset.reconcileEvery / max(dataset.every, .milliseconds(1)))
        return max(1, (total + Int64(cycles) - 1) / Int64(cycles))
    }
}

/// The incremental refresh found the published version cannot be built on (a corrupt file it
/// cannot repair by partition): the dataset is rebuilt in full, the reason logged.
struct RebuildRequired: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
