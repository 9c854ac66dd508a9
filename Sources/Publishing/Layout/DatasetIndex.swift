import Foundation
import Parquet

/// `v<N>/index.json`: everything a dashboard needs to find the rows of a time range without
/// opening any Parquet footer: the files, their partition-column ranges, and per row group the
/// first row, row count, range and byte span. docs/index-format.md documents every field and
/// docs/index.schema.json is its JSON Schema.
public struct DatasetIndex: Codable, Sendable, Equatable {
    public static let fileName = "index.json"
    public static let currentFormatVersion = 1

    /// Bumped when a field changes meaning; readers check it.
    public var formatVersion: Int
    public var dataset: String
    public var version: Int
    public var publishedAt: Date
    /// The partition column, nil when the dataset has none.
    public var partitionBy: String?
    public var partitionGranularity: PartitionGranularity
    public var rowGroupGranularity: RowGroupGranularity?
    /// The primary-key columns rows are sorted by (after the partition column).
    public var primaryKey: [String]
    public var rows: Int
    public var schema: [IndexColumn]
    /// In partition order.
    public var files: [IndexFile]
    /// A rollup's index only: the dataset it is computed from, and that dataset's version whose
    /// files it was computed from (docs/rollups.md). Absent (not null) in a dataset's index.
    public var sourceDataset: String?
    public var sourceVersion: Int?
    /// A rollup's index only: its definition, so a reader knows what each measure means and
    /// the next cycle knows when the definition changed.
    public var rollup: RollupDescription?

    public init(
        dataset: String,
        version: Int,
        publishedAt: Date,
        partitionBy: String?,
        partitionGranularity: PartitionGranularity,
        rowGroupGranularity: RowGroupGranularity?,
        primaryKey: [String],
        schema: [IndexColumn],
        files: [IndexFile],
        rows: Int? = nil
    ) {
        self.formatVersion = Self.currentFormatVersion
        self.dataset = dataset
        self.version = version
        self.publishedAt = publishedAt
        self.partitionBy = partitionBy
        self.partitionGranularity = partitionGranularity
        self.rowGroupGranularity = rowGroupGranularity
        self.primaryKey = primaryKey
        self.schema = schema
        self.files = files
        self.rows = rows ?? files.reduce(0) { $0 + $1.rows }
    }

    enum CodingKeys: String, CodingKey {
        case dataset, version, rows, schema, files
        case formatVersion = "format_version"
        case publishedAt = "published_at"
        case partitionBy = "partition_by"
        case partitionGranularity = "partition_granularity"
        case rowGroupGranularity = "row_group_granularity"
        case primaryKey = "primary_key"
        case sourceDataset = "source_dataset"
        case sourceVersion = "source_version"
        case rollup
    }

    // Optional keys are written as null rather than left out: a reader sees every field.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(version, forKey: .version)
        try c.encode(publishedAt, forKey: .publishedAt)
        try c.encode(partitionBy, forKey: .partitionBy)
        try c.encode(partitionGranularity, forKey: .partitionGranularity)
        try c.encode(rowGroupGranularity, forKey: .rowGroupGranularity)
        try c.encode(primaryKey, forKey: .primaryKey)
        try c.encode(rows, forKey: .rows)
        try c.encode(schema, forKey: .schema)
        try c.encode(files, forKey: .files)
        try c.encodeIfPresent(sourceDataset, forKey: .sourceDataset)
        try c.encodeIfPresent(sourceVersion, forKey: .sourceVersion)
        try c.encodeIfPresent(rollup, forKey: .rollup)
    }

    /// The bytes of index.json: sorted keys, ISO-8601 UTC `published_at`.
    public func encoded() throws -> [UInt8] {
        try PublishingJSON.encode(self)
    }

    public static func decode(_ bytes: [UInt8]) throws -> DatasetIndex {
        try PublishingJSON.decode(DatasetIndex.self, from: bytes)
    }
}

/// One column of the published files.
public struct IndexColumn: Codable, Sendable, Equatable {
    public var name: String
    /// The Parquet physical type as parquet.thrift names it: "INT64", "BYTE_ARRAY", ...
    public var physicalType: String
    /// The Parquet logical type as parquet-java prints it ("STRING", "DECIMAL(12,2)",
    /// "TIMESTAMP(MICROS,true)", "INTEGER(32,false)"), nil for none.
    public var logicalType: String?
    /// The MySQL column type as information_schema.COLUMNS.COLUMN_TYPE gives it: "decimal(12,2)", "int unsigned".
    public var mysqlType: String
    public var nullable: Bool

    public init(name: String, physicalType: String, logicalType: String?, mysqlType: String, nullable: Bool) {
        self.name = name
        self.physicalType = physicalType
        self.logicalType = logicalType
        self.mysqlType = mysqlType
        self.nullable = nullable
    }

    /// The entry for a Parquet column and the MySQL type it came from.
    public init(_ column: ColumnDescriptor, mysqlType: String) {
        self.init(
            name: column.name,
            physicalType: Self.name(of: column.physicalType),
            logicalType: column.logicalType.map(Self.name(of:)),
            mysqlType: mysqlType,
            nullable: column.isOptional
        )
    }

    public static func name(of type: PhysicalType) -> String {
        switch type {
        case .boolean: return "BOOLEAN"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .int96: return "INT96"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .byteArray: return "BYTE_ARRAY"
        case .fixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY"
        }
    }

    /// parquet-java's `LogicalTypeAnnotation.toString()` spelling.
    public static func name(of type: LogicalType) -> String {
        func unit(_ u: TimeUnit) -> String {
            switch u {
            case .millis: return "MILLIS"
            case .micros: return "MICROS"
            case .nanos: return "NANOS"
            }
        }
        switch type {
        case .string: return "STRING"
        case .json: return "JSON"
        case .enumeration: return "ENUM"
        case .bson: return "BSON"
        case .uuid: return "UUID"
        case .integer(let bitWidth, let signed): return "INTEGER(\(bitWidth),\(signed))"
        case .decimal(let precision, let scale): return "DECIMAL(\(precision),\(scale))"
        case .date: return "DATE"
        case .time(let u, let utc): return "TIME(\(unit(u)),\(utc))"
        case .timestamp(let u, let utc): return "TIMESTAMP(\(unit(u)),\(utc))"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, nullable
        case physicalType = "physical_type"
        case logicalType = "logical_type"
        case mysqlType = "mysql_type"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(physicalType, forKey: .physicalType)
        try c.encode(logicalType, forKey: .logicalType)
        try c.encode(mysqlType, forKey: .mysqlType)
        try c.encode(nullable, forKey: .nullable)
    }
}

/// One Parquet file of the version (one partition).
public struct IndexFile: Codable, Sendable, Equatable {
    /// Relative to index.json: "2024-05.parquet".
    public var path: String
    /// The partition key: "2024-05-17", "2024-05", "2024", "all" or "null".
    public var partition: String
    public var rows: Int
    public var bytes: Int64
    /// Smallest and largest partition-column value in the file, ISO-8601; nil when every value
    /// is NULL (the "null" partition) or the dataset has no partition column.
    public var min: String?
    public var max: String?
    public var rowGroups: [IndexRowGroup]
    /// The file's checksum, `xxh64:<16 hex digits>` (`FileChecksum`): what the publisher
    /// verifies a file against before linking it into a new version and when it scrubs, and
    /// what a reader may check a download against. nil only in indexes written before it existed.
    public var checksum: String?

    public init(
        path: String,
        partition: String,
        rows: Int,
        bytes: Int64,
        min: String?,
        max: String?,
        rowGroups: [IndexRowGroup],
        checksum: String? = nil
    ) {
        self.path = path
        self.partition = partition
        self.rows = rows
        self.bytes = bytes
        self.min = min
        self.max = max
        self.rowGroups = rowGroups
        self.checksum = checksum
    }

    enum CodingKeys: String, CodingKey {
        case path, partition, rows, bytes, min, max, checksum
        case rowGroups = "row_groups"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(partition, forKey: .partition)
        try c.encode(rows, forKey: .rows)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encode(rowGroups, forKey: .rowGroups)
        try c.encode(checksum, forKey: .checksum)
    }
}

/// One row group of a file: rows `[first_row, first_row + rows)` of the file, whose partition
/// column lies in `[min, max]`, stored in bytes `[offset, offset + length)`.
public struct IndexRowGroup: Codable, Sendable, Equatable {
    public var firstRow: Int
    public var rows: Int
    public var min: String?
    public var max: String?
    /// File offset of the row group's first column chunk (its dictionary page if any).
    public var offset: Int64
    /// Bytes from `offset` to the end of its last column chunk.
    public var length: Int64

    public init(firstRow: Int, rows: Int, min: String?, max: String?, offset: Int64, length: Int64) {
        self.firstRow = firstRow
        self.rows = rows
        self.min = min
        self.max = max
        self.offset = offset
        self.length = length
    }

    enum CodingKeys: String, CodingKey {
        case rows, min, max, offset, length
        case firstRow = "first_row"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(firstRow, forKey: .firstRow)
        try c.encode(rows, forKey: .rows)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encode(offset, forKey: .offset)
        try c.encode(length, forKey: .length)
    }
}
