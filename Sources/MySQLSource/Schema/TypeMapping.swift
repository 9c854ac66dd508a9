import Parquet

/// MySQL column types to Parquet columns. docs/types.md is the table users read; this is the
/// code behind it, and the two must agree.
public enum TypeMapping {
    /// What information_schema (or a prepared statement's metadata) says about a column.
    public struct ColumnFacts: Sendable, Hashable {
        public var name: String
        /// `DATA_TYPE`, any case.
        public var dataType: String
        /// `COLUMN_TYPE`, e.g. "int(10) unsigned", "decimal(12,2)", "bit(5)".
        public var columnType: String
        public var isNullable: Bool
        /// `NUMERIC_PRECISION` (digits of a DECIMAL, bits of a BIT).
        public var numericPrecision: Int?
        /// `NUMERIC_SCALE`.
        public var numericScale: Int?
        /// `DATETIME_PRECISION`: fractional second digits of DATETIME, TIMESTAMP, TIME.
        public var datetimePrecision: Int?
        /// MariaDB stores JSON as LONGTEXT with a `json_valid` CHECK constraint; the describer
        /// sets this when it finds one.
        public var isJSON: Bool

        public init(
            name: String,
            dataType: String,
            columnType: String,
            isNullable: Bool,
            numericPrecision: Int? = nil,
            numericScale: Int? = nil,
            datetimePrecision: Int? = nil,
            isJSON: Bool = false
        ) {
            self.name = name
            self.dataType = dataType
            self.columnType = columnType
            self.isNullable = isNullable
            self.numericPrecision = numericPrecision
            self.numericScale = numericScale
            self.datetimePrecision = datetimePrecision
            self.isJSON = isJSON
        }
    }

    /// Maps one column; throws `.unsupportedType` naming `table`.`column` and the type when
    /// there is no mapping (spatial types, and any type this version does not know).
    public static func map(_ facts: ColumnFacts, table: String) throws -> SourceColumn {
        guard let kind = kind(of: facts) else {
            throw MySQLError(
                .unsupportedType,
                """
                column \(table).\(Identifier.quoteUnchecked(facts.name)) has type \(facts.columnType), which has no \
                Parquet mapping (see docs/types.md); leave the column out of the dataset
                """
            )
        }
        let dataType = facts.isJSON ? "json" : facts.dataType.lowercased()
        let mysqlType = facts.isJSON ? "json" : facts.columnType
        return SourceColumn(
            name: facts.name,
            mysqlType: mysqlType,
            dataType: dataType,
            isNullable: facts.isNullable,
            kind: kind,
            parquet: descriptor(for: kind, name: facts.name, isNullable: facts.isNullable)
        )
    }

    /// The value kind of a column, nil when unsupported.
    public static func kind(of facts: ColumnFacts) -> MySQLValueKind? {
        let type = facts.dataType.lowercased()
        let unsigned = facts.columnType.lowercased().contains("unsigned")
        let fsp = facts.datetimePrecision ?? 0
        switch type {
        case "tinyint": return .integer(bits: 8, signed: !unsigned)
        case "smallint": return .integer(bits: 16, signed: !unsigned)
        case "mediumint": return .integer(bits: 24, signed: !unsigned)
        case "int", "integer": return .integer(bits: 32, signed: !unsigned)
        case "bigint": return .integer(bits: 64, signed: !unsigned)
        case "year": return .year
        case "bit":
            let width = facts.numericPrecision ?? parenthesisedNumbers(facts.columnType).first ?? 1
            return (1...64).contains(width) ? .bit(width: width) : nil
        case "float": return .float
        case "double", "double precision", "real": return .double
        case "decimal", "numeric", "dec", "fixed":
            let numbers = parenthesisedNumbers(facts.columnType)
            let precision = facts.numericPrecision ?? numbers.first ?? 10
            let scale = facts.numericScale ?? (numbers.count > 1 ? numbers[1] : 0)
            guard precision >= 1, precision <= 65, scale >= 0, scale <= precision else { return nil }
            return .decimal(precision: precision, scale: scale)
        case "date": return .date
        case "datetime": return .datetime(fractionalDigits: fsp)
        case "timestamp": return .timestamp(fractionalDigits: fsp)
        case "time": return .time(fractionalDigits: fsp)
        case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "long", "long varchar":
            return facts.isJSON ? .json : .string
        case "uuid", "inet4", "inet6": return .string
        case "enum": return .enumeration
        case "set": return .set
        case "json": return .json
        case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "long varbinary":
            return .binary
        default:
            // geometry, point, linestring, polygon, multi*, geometrycollection, vector, ...
            return nil
        }
    }

    /// The Parquet column for a kind.
    ///
    /// Nullability follows the column, except DATE, DATETIME and TIMESTAMP, which are always
    /// OPTIONAL: a NOT NULL column can still hold a zero date ('0000-00-00'), which has no
    /// calendar value and becomes NULL.
    public static func descriptor(for kind: MySQLValueKind, name: String, isNullable: Bool) -> ColumnDescriptor {
        let repetition: Repetition = isNullable || kind.isDateLike ? .optional : .required
        func column(_ physical: PhysicalType, _ logical: LogicalType?) -> ColumnDescriptor {
            ColumnDescriptor(name: name, physicalType: physical, logicalType: logical, repetition: repetition)
        }
        switch kind {
        case .integer(let bits, let signed):
            if bits == 64 { return column(.int64, .integer(bitWidth: 64, signed: signed)) }
            // Parquet INT annotations have widths 8, 16, 32 and 64: MEDIUMINT widens to 32.
            return column(.int32, .integer(bitWidth: bits == 24 ? 32 : bits, signed: signed))
        case .year: return column(.int32, .integer(bitWidth: 16, signed: false))
        case .bit: return column(.int64, .integer(bitWidth: 64, signed: false))
        case .float: return column(.float, nil)
        case .double: return column(.double, nil)
        case .decimal(let precision, let scale):
            return .decimal(name, precision: precision, scale: scale, repetition: repetition)
        case .date: return column(.int32, .date)
        case .datetime: return column(.int64, .timestamp(unit: .micros, adjustedToUTC: false))
        case .timestamp: return column(.int64, .timestamp(unit: .micros, adjustedToUTC: true))
        // TIME is a duration (-838:59:59 to 838:59:59), not a time of day: Parquet's TIME
        // would be out of range for many values, so it is signed microseconds.
        case .time: return column(.int64, .integer(bitWidth: 64, signed: true))
        // ENUM is annotated STRING, not ENUM: pyarrow reads Parquet's ENUM as binary (bytes),
        // and every reader shows STRING as text. The member text is all a reader needs.
        case .string, .set, .enumeration: return column(.byteArray, .string)
        case .json: return column(.byteArray, .json)
        case .binary: return column(.byteArray, nil)
        }
    }

    /// The numbers inside the first parentheses of a COLUMN_TYPE: "decimal(12,2)" -> [12, 2].
    static func parenthesisedNumbers(_ columnType: String) -> [Int] {
        guard let open = columnType.firstIndex(of: "("), let close = columnType[open...].firstIndex(of: ")") else {
            return []
        }
        return columnType[columnType.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: " "))
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return s
    }
}
