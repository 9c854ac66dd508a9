import Foundation
import Logging
import Parquet
import Publishing

/// The rollups of one dataset, as its refresher's `derived`: after each refresh of the base
/// they are brought up to date from the base's files and published with it.
///
/// - A new base version after an incremental refresh: the buckets the base's rewritten files
///   held (before and after) are recomputed from the new version's files that can hold them;
///   rollup files of other buckets are hard links to the previous rollup version.
/// - A full snapshot of the base, a rollup published for the first time, a changed definition,
///   or a rollup not computed from the base's previous version (a crash in between): a full
///   rebuild, with a log line saying why.
/// - No new base version: nothing, unless one of the rebuild reasons holds.
public struct RollupPublisher: DerivedDatasets {
    public let configuration: Configuration
    public let rollups: [RollupConfiguration]
    public let logger: Logger

    /// The rollups of `dataset` in `configuration`; nil when it has none.
    public init?(configuration: Configuration, dataset: String, logger: Logger) {
        let rollups = configuration.rollups.filter { $0.from == dataset }
        guard !rollups.isEmpty else { return nil }
        self.configuration = configuration
        self.rollups = rollups
        self.logger = logger
    }

    /// The current version of `dataset` as a base to build its rollups from in full (the
    /// schema from its first file), for `bench rollup` and tests.
    public static func currentBase(
        of dataset: DatasetConfiguration,
        in configuration: Configuration
    ) throws -> BaseVersion {
        let directory = DatasetDirectory(root: configuration.publish.directory, dataset: dataset.name)
        guard let version = try directory.currentVersion() else {
            throw RollupError(
                .ioFailed,
                rollup: "",
                "dataset \"\(dataset.name)\" has nothing published: refresh it first"
            )
        }
        let folder = directory.versionPath(version)
        let index = try DatasetIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/index.json"))))
        guard let first = index.files.first else {
            throw RollupError(.ioFailed, rollup: "", "dataset \"\(dataset.name)\" v\(version) has no files")
        }
        return BaseVersion(
            dataset: dataset,
            version: version,
            directory: folder,
            index: index,
            schema: try ParquetFileReader(path: folder + "/" + first.path).schema,
            previous: nil,
            unchangedPartitions: nil,
            isNew: true
        )
    }

    public func stage(for base: BaseVersion) throws -> [any StagedDerivedVersion] {
        var staged: [any StagedDerivedVersion] = []
        do {
            for rollup in rollups {
                if let version = try RollupBuild(rollup: rollup, configuration: configuration, logger: logger)
                    .stage(for: base)
                {
                    staged.append(version)
                }
            }
        } catch {
            for version in staged { version.discard() }
            throw error
        }
        return staged
    }
}

/// One rollup brought up to date with one base version.
struct RollupBuild {
    let rollup: RollupConfiguration
    let configuration: Configuration
    let logger: Logger

    init(rollup: RollupConfiguration, configuration: Configuration, logger: Logger) {
        self.rollup = rollup
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "dataset"] = "\(rollup.name)"
        logger[metadataKey: "source"] = "\(rollup.from)"
        self.logger = logger
    }

    var directory: DatasetDirectory { DatasetDirectory(root: configuration.publish.directory, dataset: rollup.name) }
    var stateStore: StateStore { StateStore(directory: configuration.publish.stateDirectory) }

    func stage(for base: BaseVersion) throws -> StagedRollup? {
        do {
            return try stageUnrecorded(for: base)
        } catch {
            // The rollup's own state says why it is not current (status shows it).
            var state = (try? stateStore.load(dataset: rollup.name)) ?? nil ?? DatasetState()
            state.lastError = "\(error)"
            state.lastErrorAt = Date()
            state.consecutiveFailures += 1
            try? stateStore.save(state, dataset: rollup.name)
            logger.error("rollup failed: \(error)", metadata: ["phase": "failed", "error": "\(error)"])
            throw error
        }
    }

    private func stageUnrecorded(for base: BaseVersion) throws -> StagedRollup? {
        let clock = ContinuousClock.now
        let plan = try RollupPlan(
            rollup: rollup,
            base: base.dataset,
            schema: base.schema,
            mysqlTypes: Dictionary(base.index.schema.map { ($0.name, $0.mysqlType) }, uniquingKeysWith: { a, _ in a })
        )
        let directory = self.directory
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let leftovers = try directory.removeLeftovers()
        if !leftovers.isEmpty {
            logger.notice("removed leftovers of an interrupted publish", metadata: ["files": "\(leftovers)"])
        }
        let current = try directory.currentVersion()
        var currentIndex: DatasetIndex?
        var reason: String?
        if let current {
            do {
                currentIndex = try DatasetIndex.decode(
                    try Array(Data(contentsOf: URL(fileURLWithPath: directory.versionPath(current) + "/index.json")))
                )
            } catch {
                reason = "the index.json of v\(current) is unreadable (\(error))"
            }
        } else {
            reason = "nothing is published yet"
        }
        let description = plan.description
        let schema = zip(plan.outputSchema.columns, plan.outputMySQLTypes).map { IndexColumn($0, mysqlType: $1) }
        if reason == nil, let currentIndex {
            if let published = currentIndex.rollup, published != description {
                reason = "its definition changed (\(description.differences(from: published).joined(separator: ", ")))"
            } else if currentIndex.rollup == nil {
                reason = "v\(current!) records no definition"
            } else if currentIndex.schema != schema {
                reason = "its output columns changed (the base's column types changed)"
            }
        }
        let expectedSource = base.isNew ? base.previous?.version : base.version
        if reason == nil, currentIndex?.sourceVersion != expectedSource {
            reason =
                "v\(current!) was computed from \(rollup.from) v\(currentIndex?.sourceVersion ?? 0), not v\(expectedSource ?? 0)"
        }
        if reason == nil && !base.isNew {
            // A crash before the manifest update (or the daemon's start-up check) can leave
            // manifest.json without this version: publish it again so the manifest names it.
            let entry = try ManifestStore(root: configuration.publish.directory).load()?.datasets[rollup.name]
            if entry?.version == current && entry?.sourceVersion == base.version { return nil }  // no base change
            reason = "manifest.json does not name v\(current!) computed from \(rollup.from) v\(base.version)"
        }
        if reason == nil && (base.unchangedPartitions == nil || base.previous == nil) {
            reason = "the base was rebuilt in full"
        }
        if reason == nil, let current, let currentIndex {
            // Carried and merged files come from v<current>: a file damaged on disk would be
            // carried into every later version. Rollups are small, so every one is verified.
            for file in currentIndex.files {
                guard let expected = file.checksum else { continue }
                let path = directory.versionPath(current) + "/" + file.path
                let actual = try? FileChecksum.of(file: path)
                if actual != expected {
                    reason =
                        "\(path) is damaged (its checksum is \(actual ?? "unreadable"), index.json says \(expected))"
                    break
                }
            }
        }

        let version = try directory.nextVersion(
            after: max((try? stateStore.load(dataset: rollup.name))??.version ?? 0, current ?? 0)
        )
        let staging = try directory.beginVersion(version)
        var keep = false
        defer { if !keep { try? staging.discard() } }
        var options = ParquetWriterOptions()
        options.compression = .zstd(level: Int32(base.dataset.compressionLevel))
        options.encodingThreads = 1
        let basePaths = base.index.files.map { base.directory + "/" + $0.path }

        var files: [IndexFile] = []
        var rewritten = 0
        var bytesWritten = 0
        let aggregator = RollupAggregator(plan: plan)
        if let reason {
            logger.info("rebuilding in full: \(reason)", metadata: ["phase": "rollup"])
            try RollupFiles.aggregate(RollupFiles.plan(plan, paths: basePaths, only: nil), into: aggregator, only: nil)
            let rows = try aggregator.output()
            for (name, range) in RollupFiles.partitions(of: rows, rollup.partitionGranularity) {
                let file = try RollupFiles.write(
                    range.count == rows.rowCount ? rows : rows.slice(range),
                    partition: name,
                    plan: plan,
                    staging: staging,
                    options: options
                )
                files.append(file)
                bytesWritten += Int(file.bytes)
            }
            rewritten = files.count
        } else {
            // Which buckets the base's rewritten files held, before and after.
            let previous = base.previous!
            let unchanged = base.unchangedPartitions!
            let changedOld = previous.index.files.filter { !unchanged.contains($0.partition) }
            let changedNew = base.index.files.filter { !unchanged.contains($0.partition) }
            let touched: BucketSet
            var ranges: [ClosedRange<Int32>?]?
            // Every row group of a rewritten file has its range in index.json (min null: NULL
            // times only), unless its text does not parse: then read the time column instead.
            let rangesKnown = (changedOld + changedNew).allSatisfy { file in
                file.rowGroups.allSatisfy {
                    $0.min == nil || plan.bucketing.bucketRange(indexMin: $0.min, indexMax: $0.max) != nil
                }
            }
            if plan.timeColumn == base.dataset.partitionBy && rangesKnown {
                // index.json has the time column's range per row group of every file: the
                // buckets the rewritten files held, and which files can hold them, without
                // reading any time column; then the buckets whose row groups kept their bytes
                // are dropped.
                var buckets: [Int32] = []
                for file in changedOld + changedNew {
                    for group in file.rowGroups {
                        if let range = plan.bucketing.bucketRange(indexMin: group.min, indexMax: group.max) {
                            buckets += plan.bucketing.buckets(in: range)
                        }
                    }
                }
                touched = try Self.changed(
                    BucketSet(buckets),
                    plan: plan,
                    old: changedOld.map { (previous.directory, $0) },
                    new: changedNew.map { (base.directory, $0) }
                )
                ranges = base.index.files.map { plan.bucketing.bucketRange(indexMin: $0.min, indexMax: $0.max) }
            } else {
                let changedPaths =
                    changedOld.map { previous.directory + "/" + $0.path }
                    + changedNew.map { base.directory + "/" + $0.path }
                touched = BucketSet(try RollupFiles.buckets(plan, paths: changedPaths))
            }
            try RollupFiles.aggregate(
                RollupFiles.plan(plan, paths: basePaths, ranges: ranges, only: touched),
                into: aggregator,
                only: touched
            )
            let recomputed = try aggregator.output()
            let currentIndex = currentIndex!
            let recomputedParts = Dictionary(
                RollupFiles.partitions(of: recomputed, rollup.partitionGranularity),
                uniquingKeysWith: { a, _ in a }
            )
            let touchedPartitions = Set(
                touched.sorted.map { RollupFiles.partition(of: $0, rollup.partitionGranularity) }
            )
            var names = Set(currentIndex.files.map(\.partition))
            names.formUnion(touchedPartitions)
            for name in names.sorted() {
                let old = currentIndex.files.first { $0.partition == name }
                if !touchedPartitions.contains(name), let old {
                    try staging.linkUnchanged(old.path, from: current!)
                    files.append(old)
                    continue
                }
                // Old rows of untouched buckets, the recomputed rows of the touched ones.
                var kept: RecordBatch?
                if let old {
                    let batch = try readRollupFile(directory.versionPath(current!) + "/" + old.path, plan: plan)
                    guard case .int32(let buckets) = batch.columns[0].values else { continue }
                    kept = batch.gather(buckets.indices.filter { !touched.contains(buckets[$0]) })
                }
                let fresh = recomputedParts[name].map { recomputed.slice($0) }
                let merged = Self.mergeByBucket(kept, fresh, schema: plan.outputSchema)
                guard merged.rowCount > 0 else { continue }
                let file = try RollupFiles.write(
                    merged,
                    partition: name,
                    plan: plan,
                    staging: staging,
                    options: options
                )
                files.append(file)
                rewritten += 1
                bytesWritten += Int(file.bytes)
            }
        }
        if aggregator.nullTimeRows > 0 {
            logger.notice(
                "\(aggregator.nullTimeRows) rows of \(rollup.from) with a NULL \(plan.timeColumn) were left out",
                metadata: ["rows": "\(aggregator.nullTimeRows)"]
            )
        }
        // Every file's checksum goes into index.json, as the base's do: those written now (read
        // back from the page cache) and carried ones from a version published without them.
        for i in files.indices where files[i].checksum == nil {
            files[i].checksum = try FileChecksum.of(file: staging.path(for: files[i].path))
        }
        let publishedAt = Date()
        var index = DatasetIndex(
            dataset: rollup.name,
            version: version,
            publishedAt: publishedAt,
            partitionBy: rollup.bucketColumn,
            partitionGranularity: rollup.partitionGranularity,
            rowGroupGranularity: plan.rowGroupGranularity,
            primaryKey: rollup.groupBy.isEmpty ? [rollup.bucketColumn] : rollup.groupBy,
            schema: schema,
            files: files.sorted { $0.partition < $1.partition }
        )
        index.sourceDataset = rollup.from
        index.sourceVersion = base.version
        index.rollup = description
        try staging.writeFileAtomically(DatasetIndex.fileName, data: try index.encoded())
        keep = true
        let seconds = Double((ContinuousClock.now - clock) / .microseconds(1)) / 1e6
        return StagedRollup(
            name: rollup.name,
            staging: staging,
            directory: directory,
            index: index,
            stateStore: stateStore,
            keepVersionsFor: configuration.publish.keepVersionsFor,
            logger: logger,
            result: DerivedResult(
                name: rollup.name,
                version: version,
                sourceVersion: base.version,
                rows: index.rows,
                files: files.count,
                filesRewritten: rewritten,
                bytesWritten: bytesWritten,
                seconds: seconds,
                full: reason != nil,
                reason: reason
            ),
            rowsRead: aggregator.rowsRead
        )
    }

    /// The buckets of `candidates` whose rows may differ between the old and new versions of
    /// the rewritten base files: a bucket is unchanged when, in every rewritten partition, the
    /// row groups that can hold it are as many before as after and store the same bytes for
    /// every column the rollup reads (same bytes, same values). A refresh rewrites a month file
    /// for a change to one day; this keeps the month's other days from being recomputed.
    static func changed(
        _ candidates: BucketSet,
        plan: RollupPlan,
        old: [(String, IndexFile)],
        new: [(String, IndexFile)]
    ) throws -> BucketSet {
        struct Side {
            var reader: ParquetFileReader
            var groups: [(index: Int, range: ClosedRange<Int32>?, rows: Int)]
            var chunks: [Int: [[UInt8]]] = [:]

            mutating func bytes(_ group: Int, _ names: [String]) throws -> [[UInt8]] {
                if let cached = chunks[group] { return cached }
                let read = try names.map { try reader.storedColumnChunk(rowGroup: group, column: $0) }
                chunks[group] = read
                return read
            }
        }
        func side(_ folder: String, _ file: IndexFile) throws -> Side {
            Side(
                reader: try ParquetFileReader(path: folder + "/" + file.path),
                groups: file.rowGroups.enumerated().map { i, group in
                    (i, plan.bucketing.bucketRange(indexMin: group.min, indexMax: group.max), group.rows)
                }
            )
        }
        var pairs: [String: (old: Side?, new: Side?)] = [:]
        for (folder, file) in old { pairs[file.partition, default: (nil, nil)].old = try side(folder, file) }
        for (folder, file) in new { pairs[file.partition, default: (nil, nil)].new = try side(folder, file) }
        let names = plan.readColumnNames
        var changed: [Int32] = []
        // A row group without a range holds NULL times only (index.json's min is null): no bucket.
        for bucket in candidates.sorted {
            var same = true
            for name in pairs.keys where same {
                var pair = pairs[name]!
                let before = pair.old?.groups.filter { $0.range?.contains(bucket) ?? false } ?? []
                let after = pair.new?.groups.filter { $0.range?.contains(bucket) ?? false } ?? []
                if before.count != after.count || zip(before, after).contains(where: { $0.rows != $1.rows }) {
                    same = false
                    break
                }
                for (a, b) in zip(before, after) where same {
                    same = try pair.old!.bytes(a.index, names) == pair.new!.bytes(b.index, names)
                }
                pairs[name] = pair
            }
            if !same { changed.append(bucket) }
        }
        return BucketSet(changed)
    }

    /// A published rollup file, read back whole (rollup files are small: a year of days).
    private func readRollupFile(_ path: String, plan: RollupPlan) throws -> RecordBatch {
        do {
            let batch = try ParquetFileReader(path: path).readAll(columns: plan.outputSchema.columns.map(\.name))
            return RecordBatch(schema: plan.outputSchema, columns: batch.columns)
        } catch {
            throw RollupError(.ioFailed, rollup: rollup.name, "cannot read the published \(path)", cause: error)
        }
    }

    /// Interleaves two sorted runs whose buckets never overlap (kept and recomputed buckets):
    /// ordering by bucket alone gives the order of a full build.
    static func mergeByBucket(_ a: RecordBatch?, _ b: RecordBatch?, schema: ParquetSchema) -> RecordBatch {
        guard let a, a.rowCount > 0 else { return b ?? RecordBatch(emptyWith: schema) }
        guard let b, b.rowCount > 0 else { return a }
        guard case .int32(let x) = a.columns[0].values, case .int32(let y) = b.columns[0].values else { return a }
        var pieces: [(batch: RecordBatch, rows: Range<Int>)] = []
        var i = 0
        var j = 0
        while i < x.count || j < y.count {
            if j == y.count || (i < x.count && x[i] < y[j]) {
                let start = i
                while i < x.count && (j == y.count || x[i] < y[j]) { i += 1 }
                pieces.append((a, start..<i))
            } else {
                let start = j
                while j < y.count && (i == x.count || y[j] < x[i]) { j += 1 }
                pieces.append((b, start..<j))
            }
        }
        return RecordBatch(
            schema: schema,
            columns: schema.columns.indices.map { c in
                Column.concatenate(pieces.map { (column: $0.batch.columns[c], rows: $0.rows) })
            }
        )
    }
}

/// A rollup version written and waiting for its base's commit.
final class StagedRollup: StagedDerivedVersion, @unchecked Sendable {
    let name: String
    let staging: StagingVersion
    let directory: DatasetDirectory
    let index: DatasetIndex
    let stateStore: StateStore
    let keepVersionsFor: Duration
    let logger: Logger
    let result: DerivedResult
    let rowsRead: Int

    init(
        name: String,
        staging: StagingVersion,
        directory: DatasetDirectory,
        index: DatasetIndex,
        stateStore: StateStore,
        keepVersionsFor: Duration,
        logger: Logger,
        result: DerivedResult,
        rowsRead: Int
    ) {
        self.name = name
        self.staging = staging
        self.directory = directory
        self.index = index
        self.stateStore = stateStore
        self.keepVersionsFor = keepVersionsFor
        self.logger = logger
        self.result = result
        self.rowsRead = rowsRead
    }

    func commit(now: Date) throws -> Manifest.Entry {
        let version = try staging.commit(now: now)
        var state = ((try? stateStore.load(dataset: name)) ?? nil) ?? DatasetState()
        state.version = version
        state.rows = index.rows
        state.lastSuccess = now
        state.lastDuration = result.seconds
        state.lastError = nil
        state.lastErrorAt = nil
        state.consecutiveFailures = 0
        if result.full { state.lastFullRefresh = now }
        try stateStore.save(state, dataset: name)
        let removed = try directory.removeVersions(olderThan: keepVersionsFor, now: now)
        if !removed.isEmpty { logger.info("removed expired versions", metadata: ["versions": "\(removed)"]) }
        let r = result
        logger.info(
            "published v\(version) from \(index.sourceDataset ?? "?") v\(r.sourceVersion)\(r.full ? " (full)" : ""): \(r.rows) rows, \(r.filesRewritten) of \(r.files) files rewritten (\(r.bytesWritten) bytes), \(rowsRead) base rows read in \(String(format: "%.3f", r.seconds)) s",
            metadata: [
                "version": "\(version)", "rows": "\(r.rows)", "duration_ms": "\(Int(r.seconds * 1000))",
                "phase": "done",
            ]
        )
        var entry = Manifest.Entry(dataset: name, version: version, publishedAt: now, rows: index.rows)
        entry.from = index.sourceDataset
        entry.sourceVersion = index.sourceVersion
        return entry
    }

    func discard() {
        try? staging.discard()
    }
}
