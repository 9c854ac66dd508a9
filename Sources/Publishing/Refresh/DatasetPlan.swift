import MySQLSource
import Parquet

/// A dataset's columns as the source describes them, checked against its configuration:
/// what is selected, which columns are the key, the partition column and `updated_at`.
public struct DatasetPlan: Sendable {
    public let dataset: DatasetConfiguration
    public let table: TableName?
    public let columns: [SourceColumn]
    public let schema: ParquetSchema
    public let primaryKey: [Int]
    public let partitionColumn: Int?
    public let updatedAtColumn: Int?
    public let deletedColumn: Int?
    /// True when `updated_at` leads an index, so deltas can range-scan it (issue 4's planner).
    public let updatedAtIndexed: Bool
    /// True when the source's own indexes make `primary_key` unique (a table's PRIMARY or
    /// UNIQUE index over NOT NULL columns). False for views and queries: their snapshots check
    /// for repeated keys while reading (`DuplicateKeyCheck`).
    public let keyIsUnique: Bool

    /// Describes the dataset's table or query on `connection` and validates every key that
    /// names a column; errors name the dataset, the key and the column.
    public static func describe(_ dataset: DatasetConfiguration, on connection: MySQLConnection) throws -> DatasetPlan {
        var available: [SourceColumn]
        var table: TableName?
        var indexed = Set<String>()
        var keyIsUnique = false
        switch dataset.source {
        case .table(let schema, let name):
            // With a projection, only the columns the dataset needs are described: a column it
            // leaves out may have a type without a mapping.
            let needed = dataset.columns.map {
                Set(
                    $0 + dataset.primaryKey
                        + [dataset.partitionBy, dataset.updatedAt, dataset.deletedColumn].compactMap { $0 }
                )
            }
            let described: SourceTable
            do {
                described = try connection.describeTable(schema: schema, table: name, only: needed)
            } catch let error as MySQLError where error.code == .tableNotFound {
                throw PublishingError(.missingTable, "key \"table\": \(error.message)", dataset: dataset.name)
            } catch let error as MySQLError where error.code == .unsupportedType {
                throw PublishingError(
                    .unsupportedType,
                    "key \"columns\": \(error.message) by listing the columns to publish in `columns`",
                    dataset: dataset.name
                )
            }
            available = described.columns
            table = described.tableName
            indexed = described.indexedColumns
            keyIsUnique = described.guaranteesUnique(dataset.primaryKey)
            // A key that is not unique loses rows without a word: keyset chunks skip the rows
            // that repeat the last key of a chunk, and merges keep one row per key.
            if !keyIsUnique && !described.isView {
                let known =
                    described.uniqueKeys.isEmpty
                    ? "it has none"
                    : "its unique keys: "
                        + described.uniqueKeys.map { "(\($0.joined(separator: ", ")))" }.joined(separator: ", ")
                throw PublishingError(
                    .duplicateKey,
                    "key \"primary_key\": (\(dataset.primaryKey.joined(separator: ", "))) is not a unique key of \(described.tableName.quoted): no PRIMARY KEY or UNIQUE index over NOT NULL columns is made of these columns (\(known)); rows sharing a key would be lost. Name a unique key in primary_key",
                    dataset: dataset.name
                )
            }
        case .query(let sql):
            available = try connection.describeQuery(sql)
        }
        if let projection = dataset.columns {
            var selected: [SourceColumn] = []
            for name in projection {
                guard let column = available.first(where: { $0.name == name }) else {
                    throw PublishingError(
                        .missingColumn,
                        "key \"columns\": column \"\(name)\" does not exist in \(dataset.source)",
                        dataset: dataset.name
                    )
                }
                selected.append(column)
            }
            // The key, partition and watermark columns are needed whatever the projection says.
            for name in dataset.primaryKey
                + [dataset.partitionBy, dataset.updatedAt, dataset.deletedColumn].compactMap({ $0 })
            where !selected.contains(where: { $0.name == name }) {
                if let column = available.first(where: { $0.name == name }) { selected.append(column) }
            }
            available = selected
        }
        func index(_ name: String, key: String) throws -> Int {
            guard let i = available.firstIndex(where: { $0.name == name }) else {
                throw PublishingError(
                    .missingColumn,
                    "key \"\(key)\": column \"\(name)\" does not exist in \(dataset.source)",
                    dataset: dataset.name
                )
            }
            return i
        }
        let primaryKey = try dataset.primaryKey.map { try index($0, key: "primary_key") }
        let partition = try dataset.partitionBy.map { try index($0, key: "partition_by") }
        if let partition {
            let column = available[partition].parquet
            switch column.logicalType {
            case .date?, .timestamp?: break
            default:
                throw PublishingError(
                    .unsupportedPartitionColumn,
                    """
                    key \"partition_by\": column \"\(available[partition].name)\" is \
                    \(available[partition].mysqlType); it must be DATE, DATETIME or TIMESTAMP
                    """,
                    dataset: dataset.name
                )
            }
        }
        let updatedAt = try dataset.updatedAt.map { try index($0, key: "updated_at") }
        if let updatedAt, !available[updatedAt].kind.isDateLike {
            throw PublishingError(
                .unsupportedType,
                """
                key \"updated_at\": column \"\(available[updatedAt].name)\" is \(available[updatedAt].mysqlType); it \
                must be DATETIME or TIMESTAMP
                """,
                dataset: dataset.name
            )
        }
        let deleted = try dataset.deletedColumn.map { try index($0, key: "deleted_column") }
        return DatasetPlan(
            dataset: dataset,
            table: table,
            columns: available,
            schema: ParquetSchema(columns: available.map(\.parquet)),
            primaryKey: primaryKey,
            partitionColumn: partition,
            updatedAtColumn: updatedAt,
            deletedColumn: deleted,
            updatedAtIndexed: dataset.updatedAt.map { indexed.contains($0) } ?? false,
            keyIsUnique: keyIsUnique
        )
    }

    /// Identifies the schema: a column added, dropped or retyped in MySQL changes it, and so does
    /// a change of its Parquet mapping (a new version of this program), so that one version
    /// never mixes files of two mappings through hard links.
    public var fingerprint: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for column in columns {
            let parquet =
                """
                \(column.parquet.physicalType) \(column.parquet.logicalType.map { "\($0)" } ?? "-") \
                \(column.parquet.repetition)
                """
            for byte in "\(column.name)\u{1}\(column.mysqlType)\u{1}\(column.isNullable)\u{1}\(parquet)\u{2}".utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        return String(hash, radix: 16)
    }

    public var partitionUnit: TemporalBuckets.Unit? {
        guard partitionColumn != nil else { return nil }
        switch dataset.partitionGranularity {
        case .day: return .day
        case .month: return .month
        case .year: return .year
        case .none: return nil
        }
    }

    public var rowGroupUnit: TemporalBuckets.Unit? {
        guard partitionColumn != nil else { return nil }
        switch dataset.rowGroupGranularity {
        case .day?: return .day
        case .month?: return .month
        case nil: return dataset.partitionGranularity == .none ? nil : .day
        }
    }
}
