import Foundation

/// One reader's view of a Parquet file, as read_parquet.py prints it.
public struct ParquetReadout: Decodable, Sendable {
    /// "pyarrow", "duckdb" or "polars".
    public var reader: String
    public var readerVersion: String
    public var numRows: Int
    public var columns: [ReadColumn]
    /// pyarrow only: the Parquet schema's leaf columns.
    public var schema: [SchemaColumnReadout]?
    /// pyarrow only: the footer as pyarrow decodes it.
    public var parquetMetadata: FileMetadataReadout?

    /// The column named `name`, if the reader saw one.
    public func column(_ name: String) -> ReadColumn? {
        columns.first { $0.name == name }
    }

    enum CodingKeys: String, CodingKey {
        case reader
        case readerVersion = "reader_version"
        case numRows = "num_rows"
        case columns
        case schema
        case parquetMetadata = "parquet_metadata"
    }
}

/// One column's type as the reader names it, and its values in row order.
public struct ReadColumn: Decodable, Sendable {
    public var name: String
    /// The Parquet physical type ("INT64", "FIXED_LEN_BYTE_ARRAY"); nil for polars, which does
    /// not report it.
    public var physicalType: String?
    /// The reader's own type name: pyarrow's Arrow type ("decimal128(12, 2)",
    /// "timestamp[us, tz=UTC]"), DuckDB's DESCRIBE type ("DECIMAL(12,2)"), polars' dtype.
    public var logicalType: String
    /// For timestamps, the unit of the integer values ("ms", "us", "ns"); for times, the unit the
    /// reader holds them in.
    public var unit: String?
    /// For timestamps, the reader's time zone (e.g. "UTC"); nil for local (not adjusted) ones.
    public var tz: String?
    public var values: [ReadValue]
    /// pyarrow only: the Parquet schema's LogicalType and ConvertedType as pyarrow prints them.
    public var parquetLogicalType: String?
    public var parquetConvertedType: String?

    enum CodingKeys: String, CodingKey {
        case name
        case physicalType = "physical_type"
        case logicalType = "logical_type"
        case unit
        case tz
        case values
        case parquetLogicalType = "parquet_logical_type"
        case parquetConvertedType = "parquet_converted_type"
    }
}

/// A value as read_parquet.py encodes it: integers exact, everything inexact or unusual as a
/// string (floats as Python repr, decimals as plain text, dates and times as ISO, bytes as hex).
/// Literals make expectations short: `#expect(column.values == [1, nil, "1.50"])`.
public enum ReadValue: Hashable, Sendable, Decodable, CustomStringConvertible,
    ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral
{
    case null
    case bool(Bool)
    case int(Int64)
    /// Only for values above Int64.max, so that each number has one representation.
    case uint(UInt64)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .uint(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    /// An unsigned value in its one representation: `.int` when it fits, else `.uint`.
    public static func unsigned(_ value: UInt64) -> ReadValue {
        value <= UInt64(Int64.max) ? .int(Int64(value)) : .uint(value)
    }

    public var isNull: Bool { self == .null }

    public var int64: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    public var uint64: UInt64? {
        switch self {
        case .int(let value) where value >= 0: UInt64(value)
        case .uint(let value): value
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A float column's value: Python's repr ("0.1", "nan", "-inf", "-0.0") parsed exactly.
    public var double: Double? {
        guard case .string(let text) = self else { return nil }
        switch text {
        case "nan": return .nan
        case "inf": return .infinity
        case "-inf": return -.infinity
        default: return Double(text)
        }
    }

    /// A binary column's value, decoded from lowercase hex.
    public var bytes: [UInt8]? {
        guard case .string(let text) = self, text.utf8.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let value = high {
                result.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return result
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .uint(let value): String(value)
        case .string(let value): "\"\(value)\""
        }
    }
}

/// A leaf of the Parquet schema as pyarrow reports it (`pq.ParquetFile(f).schema.column(i)`).
public struct SchemaColumnReadout: Decodable, Sendable {
    public var name: String
    public var path: String
    public var physicalType: String
    /// e.g. "Decimal(precision=12, scale=2)", "Timestamp(isAdjustedToUTC=true, timeUnit=...)", "None".
    public var logicalType: String
    /// e.g. "DECIMAL", "TIMESTAMP_MICROS", "UINT_64", "NONE".
    public var convertedType: String
    public var maxDefinitionLevel: Int
    public var maxRepetitionLevel: Int
    public var length: Int
    public var precision: Int
    public var scale: Int

    enum CodingKeys: String, CodingKey {
        case name, path
        case physicalType = "physical_type"
        case logicalType = "logical_type"
        case convertedType = "converted_type"
        case maxDefinitionLevel = "max_definition_level"
        case maxRepetitionLevel = "max_repetition_level"
        case length, precision, scale
    }
}

/// The file footer as pyarrow decodes it.
public struct FileMetadataReadout: Decodable, Sendable {
    public var numRows: Int
    public var numRowGroups: Int
    public var numColumns: Int
    public var createdBy: String?
    public var formatVersion: String
    public var serializedSize: Int
    public var keyValueMetadata: [String: String]
    public var rowGroups: [RowGroupReadout]

    enum CodingKeys: String, CodingKey {
        case numRows = "num_rows"
        case numRowGroups = "num_row_groups"
        case numColumns = "num_columns"
        case createdBy = "created_by"
        case formatVersion = "format_version"
        case serializedSize = "serialized_size"
        case keyValueMetadata = "key_value_metadata"
        case rowGroups = "row_groups"
    }
}

public struct RowGroupReadout: Decodable, Sendable {
    public var numRows: Int
    public var totalByteSize: Int
    public var columns: [ColumnChunkReadout]

    public func column(_ path: String) -> ColumnChunkReadout? {
        columns.first { $0.path == path }
    }

    enum CodingKeys: String, CodingKey {
        case numRows = "num_rows"
        case totalByteSize = "total_byte_size"
        case columns
    }
}

public struct ColumnChunkReadout: Decodable, Sendable {
    public var path: String
    public var physicalType: String
    /// e.g. ["PLAIN", "RLE", "RLE_DICTIONARY"], in the order pyarrow lists them.
    public var encodings: [String]
    /// e.g. "ZSTD", "UNCOMPRESSED".
    public var compression: String
    public var numValues: Int
    public var totalCompressedSize: Int
    public var totalUncompressedSize: Int
    public var fileOffset: Int
    public var dataPageOffset: Int
    public var hasDictionaryPage: Bool
    public var dictionaryPageOffset: Int?
    public var hasColumnIndex: Bool?
    public var hasOffsetIndex: Bool?
    public var statistics: StatisticsReadout?

    enum CodingKeys: String, CodingKey {
        case path
        case physicalType = "physical_type"
        case encodings, compression
        case numValues = "num_values"
        case totalCompressedSize = "total_compressed_size"
        case totalUncompressedSize = "total_uncompressed_size"
        case fileOffset = "file_offset"
        case dataPageOffset = "data_page_offset"
        case hasDictionaryPage = "has_dictionary_page"
        case dictionaryPageOffset = "dictionary_page_offset"
        case hasColumnIndex = "has_column_index"
        case hasOffsetIndex = "has_offset_index"
        case statistics
    }
}

/// A column chunk's statistics. `min`/`max` are pyarrow's reading through the logical type
/// (ints as integers, anything else as text: decimals plain, timestamps ISO); `minRaw`/`maxRaw`
/// are the physical values (integers, float repr, or hex of the bytes) the sort order is on.
public struct StatisticsReadout: Decodable, Sendable {
    public var hasMinMax: Bool
    public var hasNullCount: Bool
    public var nullCount: Int?
    public var hasDistinctCount: Bool
    public var distinctCount: Int?
    public var min: ReadValue
    public var max: ReadValue
    public var minRaw: ReadValue
    public var maxRaw: ReadValue

    enum CodingKeys: String, CodingKey {
        case hasMinMax = "has_min_max"
        case hasNullCount = "has_null_count"
        case nullCount = "null_count"
        case hasDistinctCount = "has_distinct_count"
        case distinctCount = "distinct_count"
        case min, max
        case minRaw = "min_raw"
        case maxRaw = "max_raw"
    }
}
