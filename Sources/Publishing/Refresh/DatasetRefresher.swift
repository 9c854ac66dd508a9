import Foundation
import Logging
import MySQLSource
import Parquet

/// One refresh cycle of one dataset: read from MySQL, write the partitions, publish a new
/// version atomically, record the state. Blocking work throughout: call it from a thread or
/// Dispatch queue of your own, never from Swift concurrency's cooperative pool.
public final class DatasetRefresher: @unchecked Sendable {
    public let configuration: Configuration
    public let dataset: DatasetConfiguration
    public let connector: SourceConnector
    public let logger: Logger
    /// Called after each batch and phase change, from the refreshing thread or, while a
    /// snapshot streams, from its encoding thread: the handler must be thread-safe.
    public var progress: (@Sendable (RefreshProgress) -> Void)?
    /// Rows per fetch and per hand-off to the encoder. 16k rows keep a batch's column memory
    /// near the caches and the pipe small; 64k took 45 MB more peak RSS for the same time.
    public static let defaultBatchRows = 16_384
    public var batchRows = DatasetRefresher.defaultBatchRows
    /// Rows per keyset statement: keeps every statement short on a fragile server.
    public var chunkRows: Int
    /// Batches that may wait between the fetching and the encoding thread.
    public var pipeCapacity = DatasetRefresher.defaultPipeCapacity
    /// The datasets computed from this one's files (its rollups), published with it.
    public var derived: (any DerivedDatasets)?
    /// How long `refresh` waits for another writer of the dataset (a `refresh` beside the
    /// daemon, or the daemon beside a `refresh`) to release its `DatasetLock`; `.zero`: one try.
    public var lockWait: Duration = .zero
    /// Who this refresher is, in the lock file a waiting process logs.
    public var lockHolder = "parquet-publisher refresh"

    public init(configuration: Configuration, dataset: DatasetConfiguration, connector: SourceConnector, logger: Logger)
    {
        self.configuration = configuration
        self.dataset = dataset
        self.connector = connector
        self.chunkRows = dataset.chunkRows
        var logger = logger
        logger[metadataKey: "dataset"] = "\(dataset.name)"
        self.logger = logger
    }

    var directory: DatasetDirectory {
        DatasetDirectory(root: configuration.publish.directory, dataset: dataset.name)
    }

    var stateStore: StateStore { StateStore(directory: configuration.publish.stateDirectory) }

    var writerOptions: ParquetWriterOptions {
        var options = ParquetWriterOptions()
        options.compression = .zstd(level: Int32(dataset.compressionLevel))
        options.maxRowGroupRows = dataset.maxRowsPerRowGroup
        // The version's commit fsyncs every file it holds; each row group starts on its way
        // to disk while the next ones are fetched, so that fsync has little left to write.
        options.startWritebackPerRowGroup = true
        // The fetching thread needs a core of its own (and a local server another): column
        // encoding in parallel would only take time from them.
        options.encodingThreads = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        return options
    }

    /// Runs one cycle: incremental when a version is published and the schema is unchanged,
    /// a full snapshot otherwise (or when `full`).
    ///
    /// The whole cycle holds the dataset's `DatasetLock`, taken first (waiting up to
    /// `lockWait`), then repairs what an interrupted publish left (`DatasetRecovery`) and reads
    /// the state: both only mean something once no one else is writing the dataset.
    /// - Throws: `PublishingError` `.locked` when another writer holds the dataset; the state is
    ///   then left alone (it is the other writer's).
    @discardableResult
    public func refresh(full: Bool = false, reconcile: Bool = false) throws -> RefreshResult {
        let lock = try DatasetLock.acquire(
            stateDirectory: configuration.publish.stateDirectory,
            dataset: dataset.name,
            holder: lockHolder,
            wait: lockWait,
            logger: logger
        )
        defer { lock.release() }
        let started = Date()
        let clock = ContinuousClock.now
        var state = try stateStore.load(dataset: dataset.name) ?? DatasetState()
        do {
            try DatasetRecovery(configuration: configuration, dataset: dataset.name, logger: logger).run()
        } catch {
            recordFailure(error, state: &state, at: started)
            throw error
        }
        do {
            let result = try run(full: full, reconcile: reconcile, state: &state, clock: clock)
            state.lastSuccess = Date()
            state.lastDuration = result.seconds
            state.lastError = nil
            state.consecutiveFailures = 0
            try stateStore.save(state, dataset: dataset.name)
            return result
        } catch {
            recordFailure(error, state: &state, at: started)
            throw error
        }
    }

    /// Saves the failure in the state (its own message, whatever it was) for `status` and backoff.
    private func recordFailure(_ error: any Error, state: inout DatasetState, at started: Date) {
        state.lastError = "\(error)"
        state.lastErrorAt = started
        state.consecutiveFailures += 1
        do { try stateStore.save(state, dataset: dataset.name) } catch {
            logger.error("cannot record the failure in the state file", metadata: ["error": "\(error)"])
        }
    }

    func report(_ phase: RefreshProgress.Phase, rows: Int, since clock: ContinuousClock.Instant) {
        guard let progress else { return }
        progress(RefreshProgress(dataset: dataset.name, phase: phase, rows: rows, seconds: Self.seconds(since: clock)))
    }

    static func seconds(since instant: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - instant).timeInterval
    }

    private func run(
        full: Bool,
        reconcile: Bool,
        state: inout DatasetState,
        clock: ContinuousClock.Instant
    ) throws -> RefreshResult {
        let directory = self.directory
        report(.connecting, rows: 0, since: clock)
        let connection = try connector.connect()
        defer { connection.close() }
        report(.describing, rows: 0, since: clock)
        let plan = try DatasetPlan.describe(dataset, on: connection)

        var reason: String?
        let current = try directory.currentVersion()
        if full {
            reason = "a full refresh was asked for"
        } else if current == nil {
            reason = "nothing is published yet"
        } else if state.watermark == nil {
            reason = "the state has no watermark"
        } else if plan.updatedAtColumn == nil {
            reason = "the dataset has no updated_at column"
        } else if case .query = dataset.source {
            reason = "query datasets are always read in full"
        } else if let previous = state.schemaFingerprint, previous != plan.fingerprint {
            reason = "the source schema changed"
            logger.warning(
                "the source schema changed (a column added, dropped or retyped); rebuilding the dataset in full",
                metadata: ["phase": "describing"]
            )
        }
        if reason == nil, let current {
            // Only what is published decides here: an index that cannot be read is rebuilt.
            // Any error of the incremental refresh itself (a lost connection, a full disk) fails
            // this cycle with its own message; answering a transient error with a full snapshot
            // would read the whole source table, the worst answer a fragile server can get.
            switch publishedIndex(of: current) {
            case .failure(let problem):
                reason = "\(problem)"
                logger.warning("rebuilding in full: \(problem)", metadata: ["phase": "describing"])
            case .success(let index) where index.schema.map(\.name) != plan.columns.map(\.name):
                reason = "the published schema differs from the source's"
            case .success(let index):
                do {
                    return try incremental(
                        plan: plan,
                        connection: connection,
                        previousVersion: current,
                        previousIndex: index,
                        reconcile: reconcile,
                        state: &state,
                        clock: clock
                    )
                } catch let rebuild as RebuildRequired {
                    reason = rebuild.reason
                    logger.warning("rebuilding in full: \(rebuild.reason)", metadata: ["phase": "verifying"])
                }
            }
        }
        logger.info("full snapshot: \(reason ?? "")", metadata: ["phase": "fetching"])
        return try snapshot(plan: plan, connection: connection, state: &state, clock: clock)
    }

    /// The index of version `version`, or why an incremental refresh cannot build on it: the
    /// file is missing, unreadable or not an index (a rebuild writes a new one).
    private func publishedIndex(of version: Int) -> Result<DatasetIndex, PublishingError> {
        let path = FileOperations.join(directory.versionPath(version), DatasetIndex.fileName)
        do {
            return .success(try DatasetIndex.decode(try FileOperations.readFile(path)))
        } catch {
            return .failure(
                PublishingError(
                    .corruptPublishedFile,
                    "the published index of v\(version), \(path), cannot be read",
                    dataset: dataset.name,
                    cause: error
                )
            )
        }
    }

    /// A full snapshot into a new version.
    private func snapshot(
        plan: DatasetPlan,
        connection: MySQLConnection,
        state: inout DatasetState,
        clock: ContinuousClock.Instant
    ) throws -> RefreshResult {
        let directory = self.directory
        try connection.startReadOnlySnapshot()
        // The watermark is the database's clock, read inside the snapshot before any row.
        let watermark = try connection.serverNow()
        let previous = try directory.currentVersion()
        let version = try directory.nextVersion(after: state.version)
        let staging = try directory.beginVersion(version)
        var committed = false
        defer { if !committed { try? staging.discard() } }

        let writer = PartitionedWriter(
            directory: staging.directory,
            schema: plan.schema,
            layout: .init(
                partitionColumn: plan.partitionColumn,
                partitionUnit: plan.partitionUnit,
                rowGroupUnit: plan.rowGroupUnit,
                primaryKey: plan.primaryKey
            ),
            options: writerOptions,
            keyValueMetadata: ["parquet-publisher.dataset": dataset.name, "parquet-publisher.version": String(version)]
        )
        let (rows, warnings) = try fetchAll(plan: plan, connection: connection, into: writer, clock: clock)
        do {
            try connection.commit()
        } catch {
            // Only reads ran in it; after a resume the first connection is usually gone.
            logger.debug("ending the read-only transaction failed", metadata: ["error": "\(error)"])
        }
        if writer.lateRows > 0 {
            logger.info("rows arrived out of partition order and were merged", metadata: ["rows": "\(writer.lateRows)"])
        }
        report(.writing, rows: rows, since: clock)
        let files = try writer.finish()

        let (published, derivedResults) = try publish(
            staging: staging,
            plan: plan,
            rewritten: files,
            carried: [],
            previous: previous,
            rows: rows,
            watermark: watermark,
            full: true,
            state: &state,
            clock: clock
        )
        committed = true
        let bytes = files.reduce(0) { $0 + $1.summary.bytes }
        let seconds = Self.seconds(since: clock)
        logger.info(
            "published v\(published) (full): \(rows) rows in \(files.count) files",
            metadata: [
                "version": "\(published)", "rows": "\(rows)", "duration_ms": "\(Int(seconds * 1000))", "phase": "done",
            ]
        )
        return RefreshResult(
            dataset: dataset.name,
            version: published,
            rows: rows,
            rowsFetched: rows,
            files: files.count,
            filesRewritten: files.count,
            bytesWritten: bytes,
            totalBytes: bytes,
            seconds: seconds,
            full: true,
            warnings: warnings.isEmpty ? [] : ["\(warnings)"],
            derived: derivedResults
        )
    }

    /// Writes index.json, stages the derived datasets (rollups) from the staged files, commits
    /// the staging directory, swaps `current`, commits the derived versions, updates
    /// manifest.json once for all of them, the state, and removes expired versions.
    /// Returns the version published and what the derived datasets did.
    func publish(
        staging: StagingVersion,
        plan: DatasetPlan,
        rewritten: [PartitionFile],
        carried: [IndexFile],
        previous: Int?,
        rows: Int,
        watermark: Int64,
        full: Bool,
        state: inout DatasetState,
        clock: ContinuousClock.Instant
    ) throws -> (version: Int, derived: [DerivedResult]) {
        report(.publishing, rows: rows, since: clock)
        let publishedAt = Date()
        // Every file's checksum goes into index.json: those written now, read back from the
        // page cache (XXH64 at memory speed), and carried ones that have none yet (a version
        // published before checksums existed).
        var checksums: [String: String] = [:]
        for file in rewritten {
            checksums[file.fileName] = try FileChecksum.of(file: staging.path(for: file.fileName))
        }
        let carried = try carried.map { file in
            var file = file
            if file.checksum == nil { file.checksum = try FileChecksum.of(file: staging.path(for: file.path)) }
            return file
        }
        let index = IndexBuilder(plan: plan).index(
            version: staging.version,
            publishedAt: publishedAt,
            files: rewritten,
            carried: carried,
            checksums: checksums
        )
        // What each file is like now, to tell later whether it was written since.
        var stamps: [String: PublishedFileStamp] = [:]
        for file in index.files {
            guard let info = try Syscall.lstat(staging.path(for: file.path)) else { continue }
            let previous = state.publishedFiles[file.path]
            let unchanged =
                checksums[file.path] == nil && previous?.size == info.size
                && previous?.modifiedNanoseconds == info.modifiedNanoseconds
            stamps[file.path] = PublishedFileStamp(
                size: info.size,
                modifiedNanoseconds: info.modifiedNanoseconds,
                verifiedAt: unchanged ? previous!.verifiedAt : publishedAt
            )
        }
        try staging.writeFileAtomically(DatasetIndex.fileName, data: try index.encoded())
        var staged: [any StagedDerivedVersion] = []
        var derivedCommitted = false
        defer { if !derivedCommitted { for version in staged { version.discard() } } }
        if let derived {
            staged = try derived.stage(
                for: BaseVersion(
                    dataset: dataset,
                    version: staging.version,
                    directory: staging.directory,
                    index: index,
                    schema: plan.schema,
                    previous: previous.flatMap { v in (try? publishedIndex(v)).map { (v, directory.versionPath(v), $0) }
                    },
                    unchangedPartitions: full ? nil : Set(carried.map(\.partition)),
                    isNew: true
                )
            )
        }
        let published = try staging.commit(now: publishedAt)
        var entries: [String: Manifest.Entry] = [:]
        for version in staged { entries[version.name] = try version.commit(now: publishedAt) }
        derivedCommitted = true
        let baseEntry = Manifest.Entry(
            dataset: dataset.name,
            version: published,
            publishedAt: publishedAt,
            rows: index.rows
        )
        // One replacement of manifest.json names the base version and every rollup computed
        // from it: a reader never pairs a rollup with another version of its base.
        try ManifestStore(root: configuration.publish.directory).modify(now: publishedAt) { manifest in
            manifest.datasets[dataset.name] = baseEntry
            for (name, entry) in entries { manifest.datasets[name] = entry }
        }
        state.version = published
        state.watermark = watermark
        state.schemaFingerprint = plan.fingerprint
        state.rows = index.rows
        state.publishedFiles = stamps
        if full {
            // A snapshot is as good as a reconciliation.
            state.lastFullRefresh = publishedAt
            state.lastReconcile = publishedAt
        }
        let removed = try directory.removeVersions(olderThan: configuration.publish.keepVersionsFor, now: publishedAt)
        if !removed.isEmpty { logger.info("removed expired versions", metadata: ["versions": "\(removed)"]) }
        report(.done, rows: rows, since: clock)
        return (published, staged.map(\.result))
    }

    /// The index.json of published version `version`.
    func publishedIndex(_ version: Int) throws -> DatasetIndex {
        try DatasetIndex.decode(
            Array(
                FileManager.default.contents(atPath: directory.versionPath(version) + "/" + DatasetIndex.fileName)
                    ?? Data()
            )
        )
    }

    /// When the cycle published no version: lets the derived datasets catch up with the current
    /// one (a rollup added or redefined since), committing and naming them in manifest.json.
    func catchUpDerived(
        plan: DatasetPlan,
        current: Int,
        index: DatasetIndex
    ) throws -> [DerivedResult] {
        guard let derived else { return [] }
        let staged = try derived.stage(
            for: BaseVersion(
                dataset: dataset,
                version: current,
                directory: directory.versionPath(current),
                index: index,
                schema: plan.schema,
                previous: nil,
                unchangedPartitions: Set(index.files.map(\.partition)),
                isNew: false
            )
        )
        guard !staged.isEmpty else { return [] }
        var committed = false
        defer { if !committed { for version in staged { version.discard() } } }
        let now = Date()
        var entries: [String: Manifest.Entry] = [:]
        for version in staged { entries[version.name] = try version.commit(now: now) }
        committed = true
        try ManifestStore(root: configuration.publish.directory).modify(now: now) { manifest in
            for (name, entry) in entries { manifest.datasets[name] = entry }
        }
        return staged.map(\.result)
    }

    /// Streams every row of the dataset into `writer`: a fetching thread hands batches to an
    /// encoding thread through a bounded pipe, so fetch and encode overlap.
    ///
    /// The encoding thread runs at `encoding_priority` (SCHED_IDLE by default). The fetching
    /// thread paces the server: whenever it waits for a core, the server stops sending rows,
    /// and a snapshot can never be faster than the server sends. Encoding has slack (the pipe
    /// holds a few batches) and fills the time the other two leave; when it falls behind, the
    /// full pipe stops the fetch and encoding gets the cores. On two cores with a local
    /// server this took a 5M-row snapshot from 5.7 s (median of 5) to 4.95 s.
    private func fetchAll(
        plan: DatasetPlan,
        connection: MySQLConnection,
        into writer: PartitionedWriter,
        clock: ContinuousClock.Instant
    ) throws -> (rows: Int, warnings: FetchWarnings) {
        let pipe = BatchPipe<RecordBatch>(capacity: pipeCapacity)
        let fetcher = SnapshotFetcher(
            plan: plan,
            connection: connection,
            connector: connector,
            chunkRows: chunkRows,
            batchRows: batchRows,
            logger: logger
        )
        let fetched = DispatchSemaphore(value: 0)
        let producer = Thread {
            defer { fetched.signal() }
            do {
                try fetcher.run { pipe.put($0) }
                pipe.close()
            } catch {
                pipe.close(error: error)
            }
        }
        producer.name = "fetch \(dataset.name)"
        producer.stackSize = 1 << 22

        let outcome = EncodeOutcome()
        let finished = DispatchSemaphore(value: 0)
        let consumer = Thread { [self] in
            defer { finished.signal() }
            Self.setThreadPriority(configuration.publish.encodingPriority, logger: logger)
            var keys = plan.keyIsUnique ? nil : DuplicateKeyCheck(plan: plan)
            do {
                while let batch = try pipe.take() {
                    if keys?.check(batch) == false {
                        outcome.failure = PublishingError(
                            .duplicateKey,
                            "key \"primary_key\": \(keys?.firstRepeat ?? "a key") appears more than once in \(plan.dataset.source), which has no unique index to rule it out; keyset reads would lose the rows that repeat a key, so nothing is published. Name a unique key in primary_key",
                            dataset: dataset.name
                        )
                        break
                    }
                    do {
                        try writer.append(batch)
                    } catch {
                        outcome.failure = PublishingError(
                            .encodingFailed,
                            "writing partitions failed after \(outcome.rows) rows",
                            dataset: dataset.name,
                            cause: error
                        )
                        break
                    }
                    outcome.rows += batch.rowCount
                    report(.fetching, rows: outcome.rows, since: clock)
                }
            } catch {
                outcome.failure = PublishingError(
                    .sourceFailed,
                    "reading \(plan.dataset.source) failed after \(outcome.rows) rows",
                    dataset: dataset.name,
                    cause: error
                )
            }
            if outcome.failure != nil { pipe.cancel() }
            outcome.repeatedKeys = (keys?.repeats ?? 0, keys?.firstRepeat)
        }
        consumer.name = "encode \(dataset.name)"
        consumer.stackSize = 1 << 22
        producer.start()
        consumer.start()
        finished.wait()
        fetched.wait()
        fetcher.finish()
        if let failure = outcome.failure {
            writer.abandon()
            throw failure
        }
        let warnings = fetcher.warnings
        if !warnings.isEmpty {
            logger.warning("zero or invalid dates were read as NULL", metadata: ["warnings": "\(warnings)"])
        }
        if outcome.repeatedKeys.count > 0 {
            logger.warning(
                "\(outcome.repeatedKeys.count) rows repeat the primary key of an earlier row (the first: \(outcome.repeatedKeys.first ?? "")); the query's rows are published as they are, but primary_key does not identify a row",
                metadata: ["phase": "fetching", "rows": "\(outcome.repeatedKeys.count)"]
            )
        }
        return (outcome.rows, warnings)
    }

    /// Batches waiting between the fetching and the encoding thread (`batchRows` each): 256k
    /// rows at the default batch size. The encoding thread runs in bursts (a day's row group at
    /// a time, and only when the other two leave it a core); with 4 batches of slack the
    /// fetching thread often found the pipe full and the server waited. 5M-row snapshot,
    /// median ratio to the fetch floor over 8 interleaved runs: 1.24x with 4, 1.12x with 16,
    /// 1.17x with 32; peak RSS 60, 80 and 109 MB.
    public static let defaultPipeCapacity = 16

    /// Sets the calling thread's scheduling (on Linux, policy and nice value are per thread).
    static func setThreadPriority(_ priority: EncodingPriority, logger: Logger) {
        switch priority {
        case .normal:
            return
        case .idle:
            guard let refusal = Syscall.scheduleCurrentThreadIdle() else { return }
            logger.debug("SCHED_IDLE refused; encoding at nice +10", metadata: ["errno": "\(refusal)"])
        case .low:
            break
        }
        Syscall.lowerCurrentThreadPriority(by: 10)
    }
}

/// What the encoding thread hands back; read after it has signalled.
private final class EncodeOutcome: @unchecked Sendable {
    var rows = 0
    var failure: PublishingError?
    /// Rows of a query whose key repeated an earlier row's, and the first such key.
    var repeatedKeys: (count: Int, first: String?) = (0, nil)
}
