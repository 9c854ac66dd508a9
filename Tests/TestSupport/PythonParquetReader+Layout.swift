import Foundation

/// Several Parquet files read by pyarrow in one Python process: per file its size, its row
/// groups as the footer describes them (rows, byte span), and chosen columns as integers.
/// One process for a whole published version keeps tests that check dozens of partition files
/// fast (starting Python and importing pyarrow costs ~0.3 s; `read(_:with:)` pays it per file).
public struct ParquetLayoutReadout: Decodable, Sendable {
    public var path: String
    public var bytes: Int
    public var numRows: Int
    public var rowGroups: [RowGroup]
    /// Column name → values in row order: DATE as days since 1970-01-01 and TIMESTAMP as its
    /// integer count (micros for our files), both `.int`; integers as themselves; strings as
    /// strings; NULL as `.null`. Other types as pyarrow's Python values.
    public var columns: [String: [ReadValue]]

    /// The integer values of `name` (nil for NULL); empty when the file has no such column.
    public func integers(_ name: String) -> [Int64?] {
        (columns[name] ?? []).map { $0.int64 }
    }

    public struct RowGroup: Decodable, Sendable, Equatable {
        public var numRows: Int
        /// Offset of the first column chunk's first page (dictionary page if any), as
        /// index.json's `offset` means it.
        public var offset: Int
        /// Bytes from `offset` to the end of the last column chunk.
        public var length: Int

        enum CodingKeys: String, CodingKey {
            case numRows = "num_rows"
            case offset, length
        }
    }

    enum CodingKeys: String, CodingKey {
        case path, bytes, columns
        case numRows = "num_rows"
        case rowGroups = "row_groups"
    }
}

extension PythonParquetReader {
    static let layoutScript = """
        import json, os, sys
        import pyarrow as pa, pyarrow.parquet as pq
        wanted = json.loads(sys.argv[1])
        out = []
        for path in sys.argv[2:]:
            f = pq.ParquetFile(path)
            md = f.metadata
            groups = []
            for g in range(md.num_row_groups):
                rg = md.row_group(g)
                starts, ends = [], []
                for c in range(rg.num_columns):
                    ch = rg.column(c)
                    start = ch.dictionary_page_offset if ch.has_dictionary_page else ch.data_page_offset
                    starts.append(start)
                    ends.append(start + ch.total_compressed_size)
                groups.append({"num_rows": rg.num_rows, "offset": min(starts), "length": max(ends) - min(starts)})
            table = f.read(columns=[c for c in wanted if c in f.schema_arrow.names])
            columns = {}
            for name in table.column_names:
                array = table.column(name).combine_chunks()
                kind = array.type
                if pa.types.is_date32(kind):
                    array = array.cast(pa.int32())
                elif pa.types.is_timestamp(kind):
                    array = array.cast(pa.int64())
                columns[name] = array.to_pylist()
            out.append({"path": path, "bytes": os.path.getsize(path), "num_rows": md.num_rows,
                        "row_groups": groups, "columns": columns})
        json.dump(out, sys.stdout)
        """

    /// Reads `files` with pyarrow in one process: footers, row-group byte spans and the values
    /// of `columns` (those a file lacks are left out).
    public func readLayouts(_ files: [URL], columns: [String]) throws -> [ParquetLayoutReadout] {
        guard !files.isEmpty else { return [] }
        let names = String(decoding: try JSONEncoder().encode(columns), as: UTF8.self)
        let arguments = ["-c", Self.layoutScript, names] + files.map(\.path)
        let result = try runProcess(python, arguments)
        guard result.succeeded else {
            throw ProcessError(
                command: [python, "-c", "<layout script>"] + files.map(\.lastPathComponent),
                result: result,
                message: "pyarrow could not read the files (exit \(result.status))"
            )
        }
        return try JSONDecoder().decode([ParquetLayoutReadout].self, from: result.standardOutput)
    }

    static let schemaScript = """
        import json, sys
        import jsonschema
        with open(sys.argv[1]) as f:
            schema = json.load(f)
        with open(sys.argv[2]) as f:
            document = json.load(f)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        jsonschema.Draft202012Validator.check_schema(schema)
        errors = ["/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message
                  for e in validator.iter_errors(document)]
        json.dump(errors, sys.stdout)
        """

    /// Validates the JSON document at `document` against the JSON Schema (draft 2020-12) at
    /// `schema` with python-jsonschema; returns one "/json/pointer: message" per violation.
    /// Throws when the schema itself is invalid or jsonschema is missing.
    public func jsonSchemaErrors(in document: URL, schema: URL) throws -> [String] {
        let result = try runProcess(python, ["-c", Self.schemaScript, schema.path, document.path])
        guard result.succeeded else {
            throw ProcessError(
                command: [python, "-c", "<jsonschema script>", schema.path, document.path],
                result: result,
                message: "jsonschema could not validate (exit \(result.status))"
            )
        }
        return try JSONDecoder().decode([String].self, from: result.standardOutput)
    }
}
