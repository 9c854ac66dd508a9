import Parquet
import TestSupport

/// Tables covering every physical and logical type the writer supports, REQUIRED and
/// OPTIONAL, with the extremes of each type in the first rows.
enum ReaderFixtureData {
    static func everyTypeSchema() -> ParquetSchema {
        var columns: [ColumnDescriptor] = []
        for repetition in [Repetition.required, .optional] {
            let s = repetition == .required ? "_req" : "_opt"
            func c(
                _ name: String,
                _ type: PhysicalType,
                _ logical: LogicalType? = nil,
                width: Int? = nil
            ) -> ColumnDescriptor {
                ColumnDescriptor(
                    name: name + s,
                    physicalType: type,
                    logicalType: logical,
                    repetition: repetition,
                    typeLength: width
                )
            }
            columns += [
                c("bool", .boolean),
                c("i8", .int32, .integer(bitWidth: 8, signed: true)),
                c("i16", .int32, .integer(bitWidth: 16, signed: true)),
                c("i32", .int32),
                c("u8", .int32, .integer(bitWidth: 8, signed: false)),
                c("u16", .int32, .integer(bitWidth: 16, signed: false)),
                c("u32", .int32, .integer(bitWidth: 32, signed: false)),
                c("i64", .int64, .integer(bitWidth: 64, signed: true)),
                c("u64", .int64, .integer(bitWidth: 64, signed: false)),
                c("f32", .float),
                c("f64", .double),
                .decimal("dec9" + s, precision: 9, scale: 2, repetition: repetition),
                .decimal("dec18" + s, precision: 18, scale: 4, repetition: repetition),
                .decimal("dec38" + s, precision: 38, scale: 10, repetition: repetition),
                c("date", .int32, .date),
                c("time_ms", .int32, .time(unit: .millis, adjustedToUTC: true)),
                c("time_us", .int64, .time(unit: .micros, adjustedToUTC: false)),
                c("ts_ms_utc", .int64, .timestamp(unit: .millis, adjustedToUTC: true)),
                c("ts_us_local", .int64, .timestamp(unit: .micros, adjustedToUTC: false)),
                c("ts_ascending", .int64, .timestamp(unit: .micros, adjustedToUTC: true)),
                c("id_ascending", .int64),
                c("str", .byteArray, .string),
                c("str_low_cardinality", .byteArray, .string),
                c("json", .byteArray, .json),
                c("enum", .byteArray, .enumeration),
                c("bin", .byteArray),
                c("fixed", .fixedLenByteArray, width: 16),
                c("uuid", .fixedLenByteArray, .uuid, width: 16),
                c("int_low_cardinality", .int32),
            ]
        }
        return ParquetSchema(columns: columns)
    }

    /// `rows` rows of `everyTypeSchema()`; about one OPTIONAL value in eight is null.
    static func everyType(rows: Int, seed: UInt64 = 42, nullEvery: Int = 8) -> RecordBatch {
        let schema = everyTypeSchema()
        var rng = SplitMix64(seed: seed)
        var builders = schema.columns.map { ColumnBuilder(for: $0, capacity: rows) }
        for row in 0..<rows {
            for (c, column) in schema.columns.enumerated() {
                if column.isOptional && row >= 2 && Int.random(in: 0..<nullEvery, using: &rng) == 0 {
                    builders[c].appendNull()
                    continue
                }
                append(column, row: row, to: &builders[c], rng: &rng)
            }
        }
        return RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
    }

    static func append(_ column: ColumnDescriptor, row: Int, to b: inout ColumnBuilder, rng: inout SplitMix64) {
        let base = column.name.split(separator: "_").dropLast().joined(separator: "_")
        func pick<T>(_ extremes: [T], _ random: () -> T) -> T {
            row < extremes.count ? extremes[row] : random()
        }
        switch base {
        case "bool": b.append(pick([true, false]) { Bool.random(using: &rng) })
        case "i8": b.append(pick([Int32(Int8.min), Int32(Int8.max), 0]) { Int32.random(in: -128...127, using: &rng) })
        case "i16":
            b.append(pick([Int32(Int16.min), Int32(Int16.max), 0]) { Int32.random(in: -32768...32767, using: &rng) })
        case "i32": b.append(pick([Int32.min, Int32.max, 0, -1]) { Int32.random(in: .min ... .max, using: &rng) })
        case "u8": b.append(pick([Int32(0), 255]) { Int32.random(in: 0...255, using: &rng) })
        case "u16": b.append(pick([Int32(0), 65535]) { Int32.random(in: 0...65535, using: &rng) })
        case "u32":
            b.append(
                pick([Int32(0), Int32(bitPattern: UInt32.max), Int32.min]) {
                    Int32(bitPattern: UInt32.random(in: 0 ... .max, using: &rng))
                }
            )
        case "i64": b.append(pick([Int64.min, Int64.max, 0, -1]) { Int64.random(in: .min ... .max, using: &rng) })
        case "u64":
            b.append(
                pick([Int64(0), Int64(bitPattern: UInt64.max), Int64.min]) {
                    Int64(bitPattern: UInt64.random(in: 0 ... .max, using: &rng))
                }
            )
        case "f32":
            b.append(
                pick([
                    Float.nan, -0.0, 0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                    .leastNonzeroMagnitude,
                ]) {
                    Float.random(in: -1e6...1e6, using: &rng)
                }
            )
        case "f64":
            b.append(
                pick([
                    Double.nan, -0.0, 0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                    .leastNonzeroMagnitude,
                ]) {
                    Double.random(in: -1e12...1e12, using: &rng)
                }
            )
        case "dec9":
            b.append(
                pick([Int32(-999_999_999), 999_999_999, 0]) {
                    Int32.random(in: -999_999_999...999_999_999, using: &rng)
                }
            )
        case "dec18":
            b.append(
                pick([Int64(-999_999_999_999_999_999), 999_999_999_999_999_999, 0]) {
                    Int64.random(in: -999_999_999_999_999_999...999_999_999_999_999_999, using: &rng)
                }
            )
        case "dec38":
            // Big-endian two's complement; |value| < 2^126 < 10^38.
            var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes[0] = UInt8(bitPattern: Int8.random(in: -0x3F...0x3F, using: &rng))
            if row == 0 { bytes = [UInt8](repeating: 0xFF, count: 16) }  // -1
            if row == 1 { bytes = [UInt8](repeating: 0, count: 16) }
            b.append(bytes: bytes)
        case "date":
            b.append(pick([Int32(0), -719_162, 2_932_896]) { Int32.random(in: -100_000...100_000, using: &rng) })
        case "time_ms": b.append(pick([Int32(0), 86_399_999]) { Int32.random(in: 0..<86_400_000, using: &rng) })
        case "time_us":
            b.append(pick([Int64(0), 86_399_999_999]) { Int64.random(in: 0..<86_400_000_000, using: &rng) })
        case "ts_ms_utc", "ts_us_local":
            b.append(
                pick([Int64.min, Int64.max, 0]) {
                    Int64.random(in: -4_000_000_000_000...4_000_000_000_000, using: &rng)
                }
            )
        case "ts_ascending":
            b.append(1_700_000_000_000_000 + Int64(row) * 1_000_003 + Int64.random(in: 0..<1000, using: &rng))
        case "id_ascending": b.append(Int64(row) * 3 + 1)
        case "str":
            let alphabet: [String] = ["a", "b", "z", "é", "日本", "🦊", " ", "\\", "\"", "\u{0}"]
            let length = row == 0 ? 0 : Int.random(in: 0...24, using: &rng)
            b.append((0..<length).map { _ in alphabet.randomElement(using: &rng)! }.joined())
        case "str_low_cardinality":
            b.append(["pending", "paid", "shipped", "", "cancelled"].randomElement(using: &rng)!)
        case "json": b.append("{\"n\":\(Int.random(in: 0..<1000, using: &rng))}")
        case "enum": b.append(["RED", "GREEN", "BLUE"].randomElement(using: &rng)!)
        case "bin":
            let length = row == 0 ? 0 : Int.random(in: 0...40, using: &rng)
            b.append(bytes: (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case "fixed", "uuid":
            b.append(bytes: (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case "int_low_cardinality": b.append(Int32.random(in: 0..<12, using: &rng) * 1000)
        default: fatalError("no generator for \(column.name)")
        }
    }
}
