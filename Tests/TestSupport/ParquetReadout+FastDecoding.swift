import Foundation

extension ParquetReadout {
    /// Decodes read_parquet.py's output as `JSONDecoder` does, except for the columns' values,
    /// which a small scanner of its own parses: `ReadValue`'s decoder tries each JSON type in
    /// turn, and the failed attempts make tens of thousands of values take seconds in a debug
    /// build. (JSONSerialization is no way out: it turns some large negative integers into
    /// Doubles.) Tests that read files of thousands of rows with three readers use this.
    public static func decodeQuickly(_ data: Data) throws -> ParquetReadout {
        var scanner = ReadoutScanner(bytes: Array(data))
        try scanner.scanDocument()
        // The document without the values arrays ("values": []) goes to JSONDecoder.
        var rest = [UInt8]()
        rest.reserveCapacity(scanner.bytes.count / 4)
        var position = 0
        for range in scanner.valueRanges {
            rest += scanner.bytes[position..<range.lowerBound]
            rest += Array("[]".utf8)
            position = range.upperBound
        }
        rest += scanner.bytes[position...]
        var readout = try JSONDecoder().decode(ParquetReadout.self, from: Data(rest))
        guard readout.columns.count == scanner.values.count else {
            throw ReadoutScanner.failure("\(readout.columns.count) columns but \(scanner.values.count) values arrays")
        }
        for index in readout.columns.indices {
            readout.columns[index].values = scanner.values[index]
        }
        return readout
    }
}

/// A JSON scanner for read_parquet.py's documents that keeps the byte range and the values of
/// each `columns[i].values` array and only checks the syntax of everything else.
private struct ReadoutScanner {
    let bytes: [UInt8]
    var index = 0
    var valueRanges: [Range<Int>] = []
    var values: [[ReadValue]] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    static func failure(_ message: String) -> TestEnvironmentError {
        TestEnvironmentError(code: .invalidVariable, message: "read_parquet.py's output: \(message)")
    }

    func failure(_ message: String) -> TestEnvironmentError {
        Self.failure("\(message) at byte \(index)")
    }

    mutating func scanDocument() throws {
        try scan(depth: 0, key: nil, inColumns: false)
        skipSpace()
        guard index == bytes.count else { throw failure("trailing bytes") }
    }

    mutating func skipSpace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else {
            throw failure("expected \(Character(UnicodeScalar(byte)))")
        }
        index += 1
    }

    /// One value. `depth` 0 is the document; a column object is an element of the top-level
    /// "columns" array (`inColumns`), and its "values" array is kept.
    mutating func scan(depth: Int, key: String?, inColumns: Bool) throws {
        skipSpace()
        guard index < bytes.count else { throw failure("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            skipSpace()
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipSpace()
                let name = try scanString()
                try expect(UInt8(ascii: ":"))
                if inColumns && name == "values" {
                    skipSpace()
                    let start = index
                    values.append(try scanValuesArray())
                    valueRanges.append(start..<index)
                } else {
                    try scan(depth: depth + 1, key: name, inColumns: false)
                }
                skipSpace()
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return
            }
        case UInt8(ascii: "["):
            index += 1
            skipSpace()
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            }
            let elementsAreColumns = depth == 1 && key == "columns"
            while true {
                try scan(depth: depth + 1, key: nil, inColumns: elementsAreColumns)
                skipSpace()
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return
            }
        default:
            _ = try scanScalar()
        }
    }

    mutating func scanValuesArray() throws -> [ReadValue] {
        try expect(UInt8(ascii: "["))
        var result: [ReadValue] = []
        skipSpace()
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return result
        }
        while true {
            skipSpace()
            result.append(try scanScalar())
            skipSpace()
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return result
        }
    }

    /// null, true, false, an integer or a string, as `ReadValue` decodes them.
    mutating func scanScalar() throws -> ReadValue {
        skipSpace()
        func literal(_ text: String, _ value: ReadValue) throws -> ReadValue {
            let utf8 = Array(text.utf8)
            guard bytes.count - index >= utf8.count, Array(bytes[index..<(index + utf8.count)]) == utf8 else {
                throw failure("bad literal")
            }
            index += utf8.count
            return value
        }
        switch bytes[index] {
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "\""): return .string(try scanString())
        default:
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                guard
                    (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x2B || byte == 0x2E || byte | 0x20 == 0x65
                else { break }
                index += 1
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if let value = Int64(text) { return .int(value) }
            if let value = UInt64(text) { return .uint(value) }
            throw failure("number \(text) is not an integer (floats are printed as strings)")
        }
    }

    mutating func scanString() throws -> String {
        try expect(UInt8(ascii: "\""))
        // Most strings have no escapes: take them as they are.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            defer { index = end + 1 }
            return String(decoding: bytes[index..<end], as: UTF8.self)
        }
        var utf8: [UInt8] = []
        var pendingHigh: UInt32?
        func appendScalar(_ value: UInt32) throws {
            guard let scalar = UnicodeScalar(value) else { throw failure("bad \\u escape") }
            utf8 += Array(String(Character(scalar)).utf8)
        }
        while true {
            guard index < bytes.count else { throw failure("unterminated string") }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { break }
            if byte != UInt8(ascii: "\\") {
                utf8.append(byte)
                continue
            }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= bytes.count,
                    let unit = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
                else {
                    throw failure("bad \\u escape")
                }
                index += 4
                if let high = pendingHigh {
                    pendingHigh = nil
                    try appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                } else if (0xD800..<0xDC00).contains(unit) {
                    pendingHigh = unit
                } else {
                    try appendScalar(unit)
                }
            default: utf8.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}

extension PythonParquetReader {
    /// `read(_:with:)` for large files: the same readout, decoded with `decodeQuickly`.
    public func readQuickly(_ file: URL, with reader: Reader) throws -> ParquetReadout {
        try readOutput(
            [Self.scriptPath, "--reader", reader.rawValue, file.path],
            what: "\(reader) could not read \(file.lastPathComponent)"
        )
    }

    /// Reads only the rows of `file` that the SQL condition `condition` keeps, with DuckDB or
    /// polars (`read_parquet.py --where`), which prune row groups by their statistics before
    /// they filter: a check that statistics and data agree, from a reader's side.
    public func readFiltered(
        _ file: URL,
        where condition: String,
        with reader: Reader = .duckdb
    ) throws -> ParquetReadout {
        try readOutput(
            [Self.scriptPath, "--reader", reader.rawValue, "--where", condition, file.path],
            what: "\(reader) could not read \(file.lastPathComponent) where \(condition)"
        )
    }

    /// How many rows of `file` each SQL condition keeps, as DuckDB or polars count them with
    /// one filtered query per condition (`read_parquet.py --count-where`), in one process.
    public func countRows(_ file: URL, where conditions: [String], with reader: Reader) throws -> [Int] {
        struct Counts: Decodable { var counts: [Int] }
        let arguments =
            [Self.scriptPath, "--reader", reader.rawValue] + conditions.flatMap { ["--count-where", $0] } + [file.path]
        let result = try runProcess(python, arguments)
        guard result.succeeded else {
            throw ProcessError(
                command: [python] + arguments,
                result: result,
                message: "\(reader) could not count rows of \(file.lastPathComponent) (exit \(result.status))"
            )
        }
        let counts = try JSONDecoder().decode(Counts.self, from: result.standardOutput).counts
        guard counts.count == conditions.count else {
            throw ProcessError(
                command: [python] + arguments,
                result: result,
                message: "\(counts.count) counts for \(conditions.count) conditions"
            )
        }
        return counts
    }

    private func readOutput(_ arguments: [String], what: String) throws -> ParquetReadout {
        let result = try runProcess(python, arguments)
        guard result.succeeded else {
            throw ProcessError(
                command: [python] + arguments,
                result: result,
                message: "\(what) (exit \(result.status))"
            )
        }
        do {
            return try ParquetReadout.decodeQuickly(result.standardOutput)
        } catch {
            throw ProcessError(
                command: [python] + arguments,
                result: result,
                message: "its output is not the expected JSON: \(error)"
            )
        }
    }
}
