/// What `parquet-publisher inspect` reports about a file, from its footer alone: the schema
/// with physical, logical and converted types; each row group and column chunk with
/// encodings, codec, sizes, page encoding stats, decoded statistics and whether a page index
/// exists; the key/value metadata.
///
/// Built here rather than in the CLI so that the CLI stays a thin wrapper and the report can
/// be tested without running a process. ``json`` and ``text`` show the same content.
public struct FileInspection: Sendable {
    public let document: JSONText

    public init(_ reader: ParquetFileReader) {
        let metadata = reader.metadata
        let schema = reader.schema
        let leaves = Array(metadata.schema.dropFirst())
        var members: [(String, JSONText)] = [
            ("file", .string(reader.path)),
            ("size_bytes", .int(reader.fileSize)),
            ("created_by", .optional(metadata.createdBy)),
            ("format_version", .int(Int64(metadata.version))),
            ("num_rows", .int(metadata.numRows)),
            ("num_row_groups", .int(metadata.rowGroups.count)),
        ]
        members.append(
            (
                "schema",
                .array(
                    zip(schema.columns, leaves).enumerated().map { i, pair in
                        Self.schemaColumn(pair.0, element: pair.1, order: metadata.columnOrders?[safe: i])
                    }
                )
            )
        )
        members.append(
            (
                "row_groups",
                .array(
                    metadata.rowGroups.enumerated().map { g, group in
                        Self.rowGroup(g, group, schema: schema, orders: metadata.columnOrders)
                    }
                )
            )
        )
        members.append(
            (
                "key_value_metadata",
                .array(
                    (metadata.keyValueMetadata ?? []).map {
                        .object([("key", .string($0.key)), ("value", .optional($0.value))])
                    }
                )
            )
        )
        document = .object(members)
    }

    /// One JSON document, pretty-printed, keys in a fixed order and snake_case.
    public var json: String { document.rendered(indent: 2) }

    // MARK: Schema

    static func schemaColumn(
        _ column: ColumnDescriptor,
        element: ParquetFormat.SchemaElement,
        order: ParquetFormat.ColumnOrder?
    ) -> JSONText {
        .object([
            ("name", .string(column.name)),
            ("physical_type", .string(column.physicalType.name)),
            ("type_length", .optional(column.typeLength)),
            ("repetition", .string(column.repetition == .required ? "REQUIRED" : "OPTIONAL")),
            ("logical_type", .optional(element.logicalType.map(\.displayName))),
            ("converted_type", .optional(element.convertedType.map(\.name))),
            ("precision", .optional(element.precision)),
            ("scale", .optional(element.scale)),
            ("column_order", .optional(order.map(\.name))),
        ])
    }

    // MARK: Row groups

    static func rowGroup(
        _ index: Int,
        _ group: ParquetFormat.RowGroup,
        schema: ParquetSchema,
        orders: [ParquetFormat.ColumnOrder]?
    ) -> JSONText {
        .object([
            ("index", .int(index)),
            ("num_rows", .int(group.numRows)),
            (
                "file_offset",
                .optional(
                    group.fileOffset
                        ?? group.columns.first?.metaData.map { $0.dictionaryPageOffset ?? $0.dataPageOffset }
                )
            ),
            ("total_byte_size", .int(group.totalByteSize)),
            (
                "total_compressed_size",
                .optional(
                    group.totalCompressedSize
                        ?? group.columns.reduce(Int64(0)) { $0 + ($1.metaData?.totalCompressedSize ?? 0) }
                )
            ),
            (
                "columns",
                .array(
                    group.columns.enumerated().map { c, chunk in
                        columnChunk(chunk, column: schema.columns[c], order: orders?[safe: c])
                    }
                )
            ),
        ])
    }

    static func columnChunk(
        _ chunk: ParquetFormat.ColumnChunk,
        column: ColumnDescriptor,
        order: ParquetFormat.ColumnOrder?
    ) -> JSONText {
        var members: [(String, JSONText)] = [("name", .string(column.name))]
        if let meta = chunk.metaData {
            members += [
                ("physical_type", .string(PhysicalType(meta.type).name)),
                ("codec", .string(meta.codec.name)),
                ("encodings", .array(meta.encodings.map { .string($0.name) })),
                ("num_values", .int(meta.numValues)),
                ("data_page_offset", .int(meta.dataPageOffset)),
                ("dictionary_page_offset", .optional(meta.dictionaryPageOffset)),
                ("total_compressed_size", .int(meta.totalCompressedSize)),
                ("total_uncompressed_size", .int(meta.totalUncompressedSize)),
                (
                    "encoding_stats",
                    meta.encodingStats.map { stats in
                        .array(
                            stats.map {
                                .object([
                                    ("page_type", .string($0.pageType.name)), ("encoding", .string($0.encoding.name)),
                                    ("count", .int(Int64($0.count))),
                                ])
                            }
                        )
                    } ?? .null
                ),
                ("statistics", meta.statistics.map { statistics($0, column: column, order: order) } ?? .null),
            ]
        } else {
            members.append(("error", .string("the column chunk has no meta_data")))
        }
        func index(_ offset: Int64?, _ length: Int32?) -> JSONText {
            guard let offset, let length else { return .null }
            return .object([("offset", .int(offset)), ("length", .int(Int64(length)))])
        }
        members += [
            ("column_index", index(chunk.columnIndexOffset, chunk.columnIndexLength)),
            ("offset_index", index(chunk.offsetIndexOffset, chunk.offsetIndexLength)),
            ("bloom_filter_offset", .optional(chunk.metaData?.bloomFilterOffset)),
        ]
        return .object(members)
    }

    /// Statistics with min and max decoded for display. `min_value`/`max_value` are preferred;
    /// the deprecated `min`/`max` are shown (and marked) only where their signed order is the
    /// column's order, as parquet.thrift says readers may trust them.
    static func statistics(
        _ stats: ParquetFormat.Statistics,
        column: ColumnDescriptor,
        order: ParquetFormat.ColumnOrder?
    ) -> JSONText {
        var min: [UInt8]?
        var max: [UInt8]?
        var source: String?
        if order != .unknown, stats.minValue != nil || stats.maxValue != nil {
            min = stats.minValue
            max = stats.maxValue
            source = "min_value/max_value"
        } else if stats.min != nil || stats.max != nil, column.allowsLegacyMinMax {
            min = stats.min
            max = stats.max
            source = "deprecated min/max"
        }
        return .object([
            ("null_count", .optional(stats.nullCount)),
            ("distinct_count", .optional(stats.distinctCount)),
            ("nan_count", .optional(stats.nanCount)),
            ("min", .optional(min.map { ParquetValueFormatter.format(plainEncoded: $0, for: column) })),
            ("max", .optional(max.map { ParquetValueFormatter.format(plainEncoded: $0, for: column) })),
            // Absent means exact; false means truncated (a lower / upper bound, not a value).
            ("min_exact", source == nil ? .null : .bool(stats.isMinValueExact ?? true)),
            ("max_exact", source == nil ? .null : .bool(stats.isMaxValueExact ?? true)),
            ("min_max_source", .optional(source)),
        ])
    }
}

// MARK: - Text

extension FileInspection {
    /// The same content as ``json``, laid out for a terminal.
    public var text: String {
        guard case .object(let top) = document else { return "" }
        let doc = Dictionary(top, uniquingKeysWith: { a, _ in a })
        var out: [String] = []
        out.append("file        \(doc["file"]?.plain ?? "")")
        out.append("size        \(doc["size_bytes"]?.plain ?? "") bytes")
        out.append("created by  \(doc["created_by"]?.plain ?? "(not recorded)")")
        out.append("format      version \(doc["format_version"]?.plain ?? "")")
        out.append("rows        \(doc["num_rows"]?.plain ?? "") in \(doc["num_row_groups"]?.plain ?? "") row groups")

        let columns = doc["schema"]?.items ?? []
        out.append("")
        out.append("schema (\(columns.count) columns)")
        var table = [["#", "name", "physical", "repetition", "logical", "converted"]]
        for (i, column) in columns.enumerated() {
            var physical = column["physical_type"]?.plain ?? ""
            if let length = column["type_length"]?.plainOrNil { physical += "(\(length))" }
            var converted = column["converted_type"]?.plainOrNil ?? "-"
            if converted == "DECIMAL", let p = column["precision"]?.plainOrNil, let s = column["scale"]?.plainOrNil {
                converted += "(\(p),\(s))"
            }
            table.append([
                String(i), column["name"]?.plain ?? "", physical, column["repetition"]?.plain ?? "",
                column["logical_type"]?.plainOrNil ?? "-", converted,
            ])
        }
        out += Self.align(table).map { "  " + $0 }

        for group in doc["row_groups"]?.items ?? [] {
            out.append("")
            out.append(
                """
                row group \(group["index"]?.plain ?? ""): \(group["num_rows"]?.plain ?? "") rows at offset \
                \(group["file_offset"]?.plain ?? "?"), \(group["total_compressed_size"]?.plain ?? "?") bytes \
                compressed, \(group["total_byte_size"]?.plain ?? "?") uncompressed
                """
            )
            for chunk in group["columns"]?.items ?? [] {
                out.append(
                    """
                      \(chunk["name"]?.plain ?? "")  \(chunk["physical_type"]?.plain ?? "")  \
                    \(chunk["codec"]?.plain ?? "")  \(chunk["total_compressed_size"]?.plain ?? "?") bytes \
                    (\(chunk["total_uncompressed_size"]?.plain ?? "?") uncompressed), \
                    \(chunk["num_values"]?.plain ?? "?") values
                    """
                )
                if let error = chunk["error"]?.plainOrNil { out.append("      error        \(error)") }
                let encodings = (chunk["encodings"]?.items ?? []).map(\.plain).joined(separator: ", ")
                out.append("      encodings    \(encodings)")
                if let stats = chunk["encoding_stats"]?.items {
                    let pages = stats.map {
                        "\($0["page_type"]?.plain ?? "") \($0["encoding"]?.plain ?? "") x\($0["count"]?.plain ?? "")"
                    }
                    out.append("      pages        \(pages.joined(separator: ", "))")
                }
                out.append(
                    "      offsets      data page \(chunk["data_page_offset"]?.plain ?? "?")"
                        + (chunk["dictionary_page_offset"]?.plainOrNil.map { ", dictionary page \($0)" } ?? "")
                )
                if let stats = chunk["statistics"], case .object = stats {
                    var parts = ["nulls \(stats["null_count"]?.plainOrNil ?? "?")"]
                    if let d = stats["distinct_count"]?.plainOrNil { parts.append("distinct \(d)") }
                    if let n = stats["nan_count"]?.plainOrNil { parts.append("NaN \(n)") }
                    if let min = stats["min"]?.plainOrNil {
                        parts.append(
                            "min \(Self.shorten(min))" + (stats["min_exact"]?.plain == "false" ? " (truncated)" : "")
                        )
                    }
                    if let max = stats["max"]?.plainOrNil {
                        parts.append(
                            "max \(Self.shorten(max))" + (stats["max_exact"]?.plain == "false" ? " (truncated)" : "")
                        )
                    }
                    if stats["min_max_source"]?.plain == "deprecated min/max" {
                        parts.append("(from the deprecated min/max)")
                    }
                    out.append("      statistics   \(parts.joined(separator: ", "))")
                } else {
                    out.append("      statistics   none")
                }
                func index(_ key: String) -> String {
                    guard let index = chunk[key], case .object = index else { return "none" }
                    return "\(index["length"]?.plain ?? "?") bytes at \(index["offset"]?.plain ?? "?")"
                }
                out.append(
                    "      page index   column index \(index("column_index")), offset index \(index("offset_index"))"
                )
            }
        }

        let pairs = doc["key_value_metadata"]?.items ?? []
        out.append("")
        out.append("key/value metadata (\(pairs.count))")
        for pair in pairs {
            let value = pair["value"]?.plainOrNil
            out.append(
                "  \(pair["key"]?.plain ?? "") = " + (value.map { Self.shorten($0, limit: 100) } ?? "(no value)")
            )
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Long values (base64 Arrow schemas, long strings) cut for the terminal, with their length.
    static func shorten(_ value: String, limit: Int = 60) -> String {
        if value.isEmpty { return "\"\"" }
        let printable = String(value.unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) })
        guard printable.count > limit else { return printable }
        return printable.prefix(limit) + "… (\(value.utf8.count) bytes)"
    }

    static func align(_ rows: [[String]]) -> [String] {
        var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i + 1 == row.count ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
    }
}

extension JSONText {
    subscript(key: String) -> JSONText? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var items: [JSONText]? {
        guard case .array(let items) = self else { return nil }
        return items
    }

    /// Scalars as bare text; nil for null.
    var plainOrNil: String? {
        switch self {
        case .null: nil
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .string(let s): s
        case .array, .object: rendered(indent: 0)
        }
    }

    var plain: String { plainOrNil ?? "null" }
}

// MARK: - Names as parquet.thrift spells them

extension PhysicalType {
    public var name: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

extension ParquetFormat.PageType {
    public var name: String {
        switch self {
        case .dataPage: "DATA_PAGE"
        case .indexPage: "INDEX_PAGE"
        case .dictionaryPage: "DICTIONARY_PAGE"
        case .dataPageV2: "DATA_PAGE_V2"
        }
    }
}

extension ParquetFormat.ColumnOrder {
    public var name: String {
        switch self {
        case .typeOrder: "TYPE_DEFINED_ORDER"
        case .ieee754TotalOrder: "IEEE_754_TOTAL_ORDER"
        case .int96TimestampOrder: "INT96_TIMESTAMP_ORDER"
        case .unknown: "UNKNOWN"
        }
    }
}

extension ParquetFormat.TimeUnit {
    var name: String {
        switch self {
        case .millis: "MILLIS"
        case .micros: "MICROS"
        case .nanos: "NANOS"
        }
    }
}

extension ParquetFormat.LogicalType {
    /// "DECIMAL(12,2)", "TIMESTAMP(MICROS, UTC)", "INT(16, unsigned)"...
    public var displayName: String {
        switch self {
        case .string: "STRING"
        case .map: "MAP"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .decimal(let scale, let precision): "DECIMAL(\(precision),\(scale))"
        case .date: "DATE"
        case .time(let utc, let unit): "TIME(\(unit.name), \(utc ? "UTC" : "local"))"
        case .timestamp(let utc, let unit): "TIMESTAMP(\(unit.name), \(utc ? "UTC" : "local"))"
        case .integer(let bits, let signed): "INT(\(bits), \(signed ? "signed" : "unsigned"))"
        case .unknown: "UNKNOWN"
        case .json: "JSON"
        case .bson: "BSON"
        case .uuid: "UUID"
        case .float16: "FLOAT16"
        }
    }
}

extension ParquetFormat.ConvertedType {
    public var name: String {
        switch self {
        case .utf8: "UTF8"
        case .map: "MAP"
        case .mapKeyValue: "MAP_KEY_VALUE"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .decimal: "DECIMAL"
        case .date: "DATE"
        case .timeMillis: "TIME_MILLIS"
        case .timeMicros: "TIME_MICROS"
        case .timestampMillis: "TIMESTAMP_MILLIS"
        case .timestampMicros: "TIMESTAMP_MICROS"
        case .uint8: "UINT_8"
        case .uint16: "UINT_16"
        case .uint32: "UINT_32"
        case .uint64: "UINT_64"
        case .int8: "INT_8"
        case .int16: "INT_16"
        case .int32: "INT_32"
        case .int64: "INT_64"
        case .json: "JSON"
        case .bson: "BSON"
        case .interval: "INTERVAL"
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
