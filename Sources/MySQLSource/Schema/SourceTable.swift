import Parquet

/// A table (or view) as the source sees it: its columns in order, how each maps to Parquet,
/// its primary key, and which columns lead an index (incremental refresh plans by that).
public struct SourceTable: Sendable, Hashable {
    public var schema: String
    public var name: String
    public var columns: [SourceColumn]
    /// Primary key columns in key order; empty for a table without one (or a view).
    public var primaryKey: [String]
    /// Columns that are the first column of some index (`SEQ_IN_INDEX = 1`): a range
    /// condition on one of them can use an index.
    public var indexedColumns: Set<String>
    /// The columns of each PRIMARY or UNIQUE index whose columns are all NOT NULL: a set of
    /// columns that contains one of these identifies a row (a UNIQUE index lets NULLs repeat).
    public var uniqueKeys: [[String]]
    /// A view: information_schema knows no index of it, so uniqueness cannot be checked there.
    public var isView: Bool

    public init(
        schema: String,
        name: String,
        columns: [SourceColumn],
        primaryKey: [String],
        indexedColumns: Set<String>,
        uniqueKeys: [[String]] = [],
        isView: Bool = false
    ) {
        self.schema = schema
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.indexedColumns = indexedColumns
        self.uniqueKeys = uniqueKeys
        self.isView = isView
    }

    /// Whether `key` is unique by the table's own indexes: it contains every column of a
    /// PRIMARY or UNIQUE index over NOT NULL columns.
    public func guaranteesUnique(_ key: [String]) -> Bool {
        let columns = Set(key)
        return uniqueKeys.contains { !$0.isEmpty && Set($0).isSubset(of: columns) }
    }

    public func column(named name: String) -> SourceColumn? {
        columns.first { $0.name == name }
    }

    /// The columns named, in the order given; throws `.columnNotFound` naming the first
    /// missing one.
    public func columns(named names: [String]) throws -> [SourceColumn] {
        try names.map { name in
            guard let column = column(named: name) else {
                throw MySQLError(
                    .columnNotFound,
                    """
                    column '\(name)' does not exist in table `\(schema)`.`\(self.name)` (its columns: \
                    \(columns.map(\.name).joined(separator: ", ")))
                    """
                )
            }
            return column
        }
    }

    /// The Parquet schema of all columns, in table order.
    public var parquetSchema: ParquetSchema { ParquetSchema(columns: columns.map(\.parquet)) }

    /// `schema`.`name`, quoted for SQL.
    public var tableName: TableName { TableName(unchecked: schema, name) }
}

/// One source column and its Parquet mapping (see docs/types.md).
public struct SourceColumn: Sendable, Hashable {
    public var name: String
    /// The full MySQL type as `information_schema.COLUMNS.COLUMN_TYPE` writes it,
    /// e.g. "decimal(12,2) unsigned"; for `query` datasets, rebuilt from the result metadata.
    public var mysqlType: String
    /// `DATA_TYPE`, lower case: "decimal", "varchar", "json"...
    public var dataType: String
    public var isNullable: Bool
    /// How values of this column are decoded; decides the Parquet physical and logical type.
    public var kind: MySQLValueKind
    public var parquet: ColumnDescriptor

    public init(
        name: String,
        mysqlType: String,
        dataType: String,
        isNullable: Bool,
        kind: MySQLValueKind,
        parquet: ColumnDescriptor
    ) {
        self.name = name
        self.mysqlType = mysqlType
        self.dataType = dataType
        self.isNullable = isNullable
        self.kind = kind
        self.parquet = parquet
    }
}

/// The value families of MySQL columns, as the source decodes them.
public enum MySQLValueKind: Sendable, Hashable {
    /// TINYINT (8), SMALLINT (16), MEDIUMINT (24), INT (32), BIGINT (64).
    case integer(bits: Int, signed: Bool)
    case year
    /// BIT(n), 1 ≤ n ≤ 64.
    case bit(width: Int)
    case float
    case double
    case decimal(precision: Int, scale: Int)
    case date
    case datetime(fractionalDigits: Int)
    case timestamp(fractionalDigits: Int)
    /// TIME: a signed duration of up to ±838:59:59.999999.
    case time(fractionalDigits: Int)
    /// CHAR, VARCHAR, the TEXT types; MariaDB's UUID, INET4, INET6 (sent as text).
    case string
    case enumeration
    case set
    case json
    /// BINARY, VARBINARY, the BLOB types.
    case binary

    /// DATE, DATETIME and TIMESTAMP: the kinds a partition column may have.
    public var isDateLike: Bool {
        switch self {
        case .date, .datetime, .timestamp: true
        default: false
        }
    }
}
