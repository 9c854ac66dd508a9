import Parquet

/// SplitMix64: a tiny deterministic generator, so every run benchmarks the same table.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Skewed towards small values: a few sellers and offers take most orders.
    mutating func skewed(_ bound: Int, power: Double = 3) -> Int {
        min(bound - 1, Int(Double(bound) * pow(unit(), power)))
    }

    mutating func pick(_ weights: [Double]) -> Int {
        var r = unit() * weights.reduce(0, +)
        for (i, w) in weights.enumerated() {
            r -= w
            if r < 0 { return i }
        }
        return weights.count - 1
    }
}

/// A shop's orders table, shaped like the marketplace this project serves: ascending ids
/// and timestamps, skewed foreign keys, a few low-cardinality strings, money as DECIMAL,
/// NULLs where real data has them.
enum SyntheticOrders {
    static let schema = ParquetSchema(columns: [
        ColumnDescriptor(
            name: "id",
            physicalType: .int64,
            logicalType: .integer(bitWidth: 64, signed: false),
            repetition: .required
        ),
        ColumnDescriptor(
            name: "offer_id",
            physicalType: .int32,
            logicalType: .integer(bitWidth: 32, signed: true),
            repetition: .required
        ),
        ColumnDescriptor(
            name: "seller_id",
            physicalType: .int32,
            logicalType: .integer(bitWidth: 32, signed: true),
            repetition: .required
        ),
        ColumnDescriptor(
            name: "buyer_id",
            physicalType: .int32,
            logicalType: .integer(bitWidth: 32, signed: true),
            repetition: .required
        ),
        ColumnDescriptor(name: "status", physicalType: .byteArray, logicalType: .string, repetition: .required),
        ColumnDescriptor(
            name: "quantity",
            physicalType: .int32,
            logicalType: .integer(bitWidth: 16, signed: true),
            repetition: .required
        ),
        .decimal("unit_price", precision: 12, scale: 2, repetition: .required),
        .decimal("total", precision: 14, scale: 2, repetition: .required),
        ColumnDescriptor(name: "currency", physicalType: .byteArray, logicalType: .string, repetition: .required),
        ColumnDescriptor(name: "country", physicalType: .byteArray, logicalType: .string, repetition: .optional),
        ColumnDescriptor(name: "channel", physicalType: .byteArray, logicalType: .string, repetition: .required),
        ColumnDescriptor(name: "note", physicalType: .byteArray, logicalType: .string, repetition: .optional),
        ColumnDescriptor(
            name: "created_at",
            physicalType: .int64,
            logicalType: .timestamp(unit: .micros, adjustedToUTC: false),
            repetition: .required
        ),
        ColumnDescriptor(
            name: "updated_at",
            physicalType: .int64,
            logicalType: .timestamp(unit: .micros, adjustedToUTC: false),
            repetition: .required
        ),
    ])

    static let statuses = ["delivered", "shipped", "paid", "cancelled", "refunded"]
    static let statusWeights = [70.0, 10, 10, 7, 3]
    static let currencies = ["EUR", "PLN", "CZK"]
    static let currencyWeights = [70.0, 20, 10]
    static let countries = ["DE", "PL", "CZ", "FR", "NL", "AT", "SK", "HU"]
    static let countryWeights = [30.0, 25, 12, 10, 8, 6, 5, 4]
    static let channels = ["web", "ios", "android", "api"]
    static let channelWeights = [50.0, 22, 20, 8]
    static let noteWords = [
        "please", "deliver", "after", "5pm", "leave", "at", "the", "door", "gift", "wrap", "call", "before",
        "arrival", "fragile", "handle", "with", "care", "no", "invoice", "needed", "company", "VAT", "ID",
        "ring", "twice", "back", "entrance", "neighbour", "can", "accept", "parcel", "urgent", "weekend",
    ]

    /// Orders from 2023-01-01 on, one every ~12.6 s on average (5M rows span two years).
    static func generate(rows: Int, seed: UInt64 = 42) -> RecordBatch {
        var random = SplitMix64(seed: seed)
        var columns = schema.columns.map { ColumnBuilder(for: $0, capacity: rows) }
        var createdAt: Int64 = 1_672_531_200_000_000
        var note = [UInt8]()
        for i in 0..<rows {
            createdAt += Int64(random.below(25_200_000))
            let quantity = 1 + (random.unit() < 0.8 ? 0 : random.below(5))
            let unitPrice = Int64(exp(random.unit() * log(200_000.0)) + 99)
            columns[0].append(Int64(i + 1))
            columns[1].append(Int32(1 + random.skewed(2_000_000)))
            columns[2].append(Int32(1 + random.skewed(48_000)))
            columns[3].append(Int32(1 + random.below(1_000_000)))
            columns[4].append(statuses[random.pick(statusWeights)])
            columns[5].append(Int32(quantity))
            columns[6].append(unitPrice)
            columns[7].append(unitPrice * Int64(quantity) + (random.unit() < 0.3 ? 499 : 0))
            columns[8].append(currencies[random.pick(currencyWeights)])
            if random.unit() < 0.06 {
                columns[9].appendNull()
            } else {
                columns[9].append(countries[random.pick(countryWeights)])
            }
            columns[10].append(channels[random.pick(channelWeights)])
            if random.unit() < 0.8 {
                columns[11].appendNull()
            } else {
                note.removeAll(keepingCapacity: true)
                for w in 0..<(2 + random.below(8)) {
                    if w > 0 { note.append(0x20) }
                    note.append(contentsOf: noteWords[random.below(noteWords.count)].utf8)
                }
                columns[11].append(bytes: note)
            }
            columns[12].append(createdAt)
            columns[13].append(createdAt + Int64(random.below(3_600_000_000)))
        }
        return RecordBatch(schema: schema, columns: columns.indices.map { columns[$0].finish() })
    }
}

#if canImport(Glibc)
import Glibc
#endif
