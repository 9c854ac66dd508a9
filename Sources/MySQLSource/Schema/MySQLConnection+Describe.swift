/// Describing tables and queries: what `check-config` validates and what the Parquet schema is
/// built from. Everything here works for a SELECT-only user and on MySQL 5.7.
extension MySQLConnection {
    /// Columns, primary key and index-leading columns of a table or view, from
    /// `information_schema.COLUMNS` and `STATISTICS`. `schema` nil means the connection's
    /// default database. Throws `.tableNotFound` when the table does not exist or the user
    /// cannot see it, `.unsupportedType` naming the first column without a Parquet mapping.
    ///
    /// - Parameter only: when given, just these columns are described (in table order) and the
    ///   others are skipped unmapped, so a column the dataset leaves out (a GEOMETRY, say)
    ///   cannot fail it, as docs/types.md promises.
    public func describeTable(schema: String?, table: String, only: Set<String>? = nil) throws -> SourceTable {
        let schemaName: String
        if let schema {
            schemaName = schema
        } else {
            guard let current = try queryStrings("SELECT DATABASE()").first?.first ?? nil else {
                throw MySQLError(
                    .invalidOptions,
                    """
                    table \(Identifier.quoteUnchecked(table)) has no schema and the connection has no default \
                    database; set `database` or write \"schema.table\"
                    """
                )
            }
            schemaName = current
        }
        let tableParameters = [MySQLParameter.string(schemaName), .string(table)]
        let rows = try queryStrings(
            """
            SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, NUMERIC_PRECISION, NUMERIC_SCALE,
                   DATETIME_PRECISION
            FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
            ORDER BY ORDINAL_POSITION
            """,
            tableParameters
        )
        let qualified = TableName(unchecked: schemaName, table).quoted
        guard !rows.isEmpty else {
            throw MySQLError(
                .tableNotFound,
                "table \(qualified) does not exist, or user '\(options.user)' has no privilege on it"
            )
        }
        let jsonColumns = serverVersion.isMariaDB ? try mariaDBJSONColumns(schema: schemaName, table: table) : []
        var columns: [SourceColumn] = []
        for row in rows {
            guard let name = row[0], let dataType = row[1], let columnType = row[2] else { continue }
            if let only, !only.contains(name) { continue }
            let facts = TypeMapping.ColumnFacts(
                name: name,
                dataType: dataType,
                columnType: columnType,
                isNullable: row[3] == "YES",
                numericPrecision: row[4].flatMap { Int($0) },
                numericScale: row[5].flatMap { Int($0) },
                datetimePrecision: row[6].flatMap { Int($0) },
                isJSON: jsonColumns.contains(name) && dataType.lowercased().hasSuffix("text")
            )
            columns.append(try TypeMapping.map(facts, table: qualified))
        }

        var primaryKey: [String] = []
        var indexed = Set<String>()
        let indexRows = try queryStrings(
            """
            SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, NULLABLE
            FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
            ORDER BY INDEX_NAME, SEQ_IN_INDEX
            """,
            tableParameters
        )
        // Unique indexes, and those that cannot identify a row (a nullable or functional part).
        var unique: [String: [String]] = [:]
        var unusable = Set<String>()
        for row in indexRows {
            guard let index = row[0] else { continue }
            // COLUMN_NAME is NULL for MySQL 8 functional key parts.
            guard let column = row[2] else {
                unusable.insert(index)
                continue
            }
            if index == "PRIMARY" { primaryKey.append(column) }
            if row[1] == "1" { indexed.insert(column) }
            if row[3] == "0" {
                unique[index, default: []].append(column)
                if row[4] == "YES" { unusable.insert(index) }
            }
        }
        let kind = try queryStrings(
            "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
            tableParameters
        )
        return SourceTable(
            schema: schemaName,
            name: table,
            columns: columns,
            primaryKey: primaryKey,
            indexedColumns: indexed,
            uniqueKeys: unique.filter { !unusable.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value),
            isView: kind.first?.first??.uppercased() == "VIEW"
        )
    }

    /// MariaDB has no JSON type: `JSON` is LONGTEXT with a `CHECK (json_valid(col))` that it
    /// adds by itself. Those constraints mark the JSON columns. MySQL has a real JSON type, and
    /// its CHECK_CONSTRAINTS view (8.0.16+) has no TABLE_NAME, so this is MariaDB only; a server
    /// without the view (MariaDB < 10.2.22) has no JSON columns to find.
    private func mariaDBJSONColumns(schema: String, table: String) throws -> Set<String> {
        let rows: [[String?]]
        do {
            rows = try queryStrings(
                """
                SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
                WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?
                """,
                [.string(schema), .string(table)]
            )
        } catch let error as MySQLError where error.mysqlErrno == 1109 || error.mysqlErrno == 1054 {
            return []  // ER_UNKNOWN_TABLE, ER_BAD_FIELD_ERROR: no such view here
        }
        var columns = Set<String>()
        for row in rows {
            guard let clause = row[1] else { continue }
            let compact = clause.filter { !$0.isWhitespace }.lowercased()
            guard compact.hasPrefix("json_valid(`"), compact.hasSuffix("`)") else { continue }
            // Take the name from the clause itself, in its original case.
            let trimmed = clause.filter { !$0.isWhitespace }
            let name = trimmed.dropFirst("json_valid(`".count).dropLast(2)
            if !name.contains("`") { columns.insert(String(name)) }
        }
        return columns
    }

    /// The columns a `query` dataset's statement returns, from the prepared statement's result
    /// metadata (`MYSQL_FIELD`), without running it. Names are the result's column names
    /// (aliases); they must be unique. `mysqlType` is rebuilt from the metadata and is less
    /// precise than a table's COLUMN_TYPE.
    public func describeQuery(_ sql: String) throws -> [SourceColumn] {
        try ensureIdle()
        let statement = try handle.makeStatement()
        defer { statement.close() }
        try statement.prepare(sql)
        guard let fields = statement.resultFields(), !fields.isEmpty else {
            throw MySQLError(.misuse, "the query returns no rows: \(MariaDBHandle.abbreviate(sql))")
        }
        var seen = Set<String>()
        return try fields.map { field in
            guard seen.insert(field.name).inserted else {
                throw MySQLError(
                    .invalidIdentifier,
                    "the query returns more than one column named \(field.name); give each an alias with AS"
                )
            }
            return try TypeMapping.map(Self.facts(field), table: "query")
        }
    }

    /// Rebuilds information_schema-like facts from result metadata.
    static func facts(_ field: FieldInfo) -> TypeMapping.ColumnFacts {
        let unsigned = field.isUnsigned ? " unsigned" : ""
        var precision: Int?
        var scale: Int?
        var fsp: Int?
        var isJSON = false
        let dataType: String
        var columnType: String
        switch field.type {
        case .tiny: dataType = "tinyint"
        case .short: dataType = "smallint"
        case .int24: dataType = "mediumint"
        case .long: dataType = "int"
        case .longlong: dataType = "bigint"
        case .year: dataType = "year"
        case .bit:
            dataType = "bit"
            precision = Int(field.length)
        case .float: dataType = "float"
        case .double: dataType = "double"
        case .decimal, .newdecimal:
            dataType = "decimal"
            // The display length counts the point (when scale > 0) and the sign (when signed).
            let s = field.decimals
            let p = Int(field.length) - (s > 0 ? 1 : 0) - (field.isUnsigned ? 0 : 1)
            scale = s
            precision = min(65, max(p, s, 1))
        case .date, .newdate: dataType = "date"
        case .datetime:
            dataType = "datetime"
            fsp = min(field.decimals, 6)
        case .timestamp:
            dataType = "timestamp"
            fsp = min(field.decimals, 6)
        case .time:
            dataType = "time"
            fsp = min(field.decimals, 6)
        case .json:
            dataType = "json"
        case .varchar, .varString, .string, .tinyBlob, .mediumBlob, .longBlob, .blob, .enumeration, .set:
            if field.isEnum || field.type == .enumeration {
                dataType = "enum"
            } else if field.isSet || field.type == .set {
                dataType = "set"
            } else if field.formatName?.lowercased() == "json" {
                dataType = "longtext"
                isJSON = true
            } else if field.isBinary {
                dataType =
                    field.type == .string || field.type == .varString || field.type == .varchar ? "varbinary" : "blob"
            } else {
                dataType =
                    field.type == .string || field.type == .varString || field.type == .varchar ? "varchar" : "text"
            }
        case .geometry: dataType = "geometry"
        case .null: dataType = "null"
        case nil: dataType = "type \(field.rawType)"
        }
        columnType = dataType
        if dataType == "decimal", let precision, let scale { columnType = "decimal(\(precision),\(scale))" }
        if dataType == "bit", let precision { columnType = "bit(\(precision))" }
        if let fsp, fsp > 0 { columnType += "(\(fsp))" }
        columnType += unsigned
        return TypeMapping.ColumnFacts(
            name: field.name,
            dataType: dataType,
            columnType: columnType,
            isNullable: !field.isNotNull,
            numericPrecision: precision,
            numericScale: scale,
            datetimePrecision: fsp,
            isJSON: isJSON
        )
    }
}
