import Foundation
import Parquet
import Publishing

/// A rollup's definition resolved against its base's columns: which columns to read, how each
/// measure accumulates, and the output schema. Every type rule of docs/rollups.md is checked
/// here, with errors naming the rollup and the key.
public struct RollupPlan: Sendable {
    /// How a measure accumulates, by the type of its column.
    enum Accumulation: Sendable {
        case countRows
        case countValues
        case countDistinct
        /// INT32/INT64 integers into INT64; `unsigned` inputs are read by their bits.
        case sumInteger(unsigned: Bool)
        /// Unscaled DECIMAL values into an Int128, checked against `precision` digits.
        case sumDecimal(precision: Int)
        case sumFloating
        case minimum
        case maximum
    }

    struct Measure: Sendable {
        var name: String
        var key: String
        var accumulation: Accumulation
        /// Index into `readColumns`; nil for count(*).
        var input: Int?
        var output: ColumnDescriptor
        var mysqlType: String
    }

    struct Filter: Sendable {
        var input: Int
        var values: [RollupFilter.Value]
    }

    public let rollup: RollupConfiguration
    public let base: DatasetConfiguration
    /// Base columns read, in this order: the time column first.
    let readColumns: [ColumnDescriptor]
    /// How each of `readColumns` is read: its values, its dictionary indices (text only
    /// grouped, filtered or counted distinct), or only which rows are NULL (count(column)).
    let readModes: [ReadMode]

    enum ReadMode: Sendable, Equatable {
        case values
        case dictionary
        case validity
    }
    var readColumnNames: [String] { readColumns.map(\.name) }
    /// The time column's name (`time`, else the base's `partition_by`).
    public let timeColumn: String
    /// Indices into `readColumns` of the group columns, in output order.
    let groupInputs: [Int]
    let filters: [Filter]
    let measures: [Measure]
    let bucketing: Bucketing
    /// The published files' schema: bucket, group columns, measures.
    public let outputSchema: ParquetSchema
    /// MySQL-style types for index.json, one per output column.
    let outputMySQLTypes: [String]

    /// The bucket column's position in the output (always first).
    static let bucketColumn = 0

    /// Resolves `rollup` against the base's Parquet schema and index columns.
    /// - Throws: `RollupError` naming the rollup and key of the first problem.
    public init(
        rollup: RollupConfiguration,
        base: DatasetConfiguration,
        schema: ParquetSchema,
        mysqlTypes: [String: String]
    ) throws {
        self.rollup = rollup
        self.base = base
        func fail(_ code: RollupError.Code, _ key: String, _ message: String) -> RollupError {
            RollupError(code, rollup: rollup.name, key: key, message)
        }
        func column(_ name: String, key: String) throws -> ColumnDescriptor {
            guard let descriptor = schema.columns.first(where: { $0.name == name }) else {
                throw fail(
                    .missingColumn,
                    key,
                    "dataset \"\(base.name)\" has no column \"\(name)\" (it has \(schema.columns.map(\.name).joined(separator: ", ")))"
                )
            }
            return descriptor
        }
        var read: [ColumnDescriptor] = []
        func input(_ descriptor: ColumnDescriptor) -> Int {
            if let i = read.firstIndex(where: { $0.name == descriptor.name }) { return i }
            read.append(descriptor)
            return read.count - 1
        }

        guard let time = rollup.time ?? base.partitionBy else {
            throw fail(.missingColumn, "time", "dataset \"\(base.name)\" has no partition_by; set time")
        }
        timeColumn = time
        let timeDescriptor = try column(time, key: rollup.time == nil ? "from" : "time")
        switch timeDescriptor.logicalType {
        case .date?, .timestamp?: break
        default:
            throw fail(
                .unsupportedType,
                rollup.time == nil ? "from" : "time",
                "column \"\(time)\" is \(mysqlTypes[time] ?? "\(timeDescriptor.physicalType)"); it must be DATE, DATETIME or TIMESTAMP"
            )
        }
        _ = input(timeDescriptor)
        bucketing = try Bucketing(column: timeDescriptor, grain: rollup.grain, timeZone: rollup.timeZone)

        groupInputs = try rollup.groupBy.map { input(try column($0, key: "group_by")) }

        var filters: [Filter] = []
        for filter in rollup.filters {
            let key = "where.\(filter.column)"
            let descriptor = try column(filter.column, key: key)
            let textual: Bool
            switch (descriptor.physicalType, descriptor.logicalType) {
            case (.byteArray, _): textual = true
            case (.int32, nil), (.int64, nil), (.int32, .integer?), (.int64, .integer?): textual = false
            default:
                throw fail(
                    .unsupportedType,
                    key,
                    "column \"\(filter.column)\" is \(mysqlTypes[filter.column] ?? "\(descriptor.physicalType)"); where applies to text and integer columns"
                )
            }
            for value in filter.values {
                switch (value, textual) {
                case (.string, true), (.integer, false): break
                case (.integer(let i), true):
                    throw fail(.unsupportedType, key, "column \"\(filter.column)\" is text: write \"\(i)\" as a string")
                case (.string(let s), false):
                    throw fail(
                        .unsupportedType,
                        key,
                        "column \"\(filter.column)\" is an integer column: \"\(s)\" is text"
                    )
                }
            }
            filters.append(Filter(input: input(descriptor), values: filter.values))
        }
        self.filters = filters

        var measures: [Measure] = []
        for measure in rollup.measures {
            let key = "measures.\(measure.name)"
            guard let name = measure.column else {
                measures.append(
                    Measure(
                        name: measure.name,
                        key: key,
                        accumulation: .countRows,
                        input: nil,
                        output: Self.int64(measure.name),
                        mysqlType: "bigint"
                    )
                )
                continue
            }
            let descriptor = try column(name, key: key)
            let typeName = mysqlTypes[name] ?? "\(descriptor.physicalType)"
            let accumulation: Accumulation
            var output: ColumnDescriptor
            var mysqlType = typeName
            switch measure.function {
            case .count:
                (accumulation, output, mysqlType) = (.countValues, Self.int64(measure.name), "bigint")
            case .countDistinct:
                (accumulation, output, mysqlType) = (.countDistinct, Self.int64(measure.name), "bigint")
            case .min, .max:
                accumulation = measure.function == .min ? .minimum : .maximum
                output = descriptor
                output.name = measure.name
                output.repetition = .optional
            case .sum:
                switch (descriptor.physicalType, descriptor.logicalType) {
                case (.int32, nil), (.int64, nil), (.int32, .integer?), (.int64, .integer?):
                    var unsigned = false
                    if case .integer(_, false)? = descriptor.logicalType { unsigned = true }
                    accumulation = .sumInteger(unsigned: unsigned)
                    output = Self.int64(measure.name)
                    output.repetition = .optional
                    mysqlType = "bigint"
                case (_, .decimal(let precision, let scale)?):
                    guard precision <= 38 else {
                        throw fail(
                            .unsupportedType,
                            key,
                            "column \"\(name)\" is \(typeName): sums are exact up to DECIMAL(38); cast it narrower in a query dataset"
                        )
                    }
                    let digits = min(38, precision + 10)
                    accumulation = .sumDecimal(precision: digits)
                    output = .decimal(measure.name, precision: digits, scale: scale, repetition: .optional)
                    mysqlType = "decimal(\(digits),\(scale))"
                case (.float, _), (.double, _):
                    accumulation = .sumFloating
                    output = ColumnDescriptor(name: measure.name, physicalType: .double, repetition: .optional)
                    mysqlType = "double"
                default:
                    let what: String
                    switch (descriptor.physicalType, descriptor.logicalType) {
                    case (.byteArray, _), (.fixedLenByteArray, _): what = "text or bytes"
                    case (_, .date?), (_, .timestamp?), (_, .time?): what = "a date or time"
                    case (.boolean, _): what = "a boolean"
                    default: what = typeName
                    }
                    throw fail(
                        .unsupportedType,
                        key,
                        "sum over column \"\(name)\" (\(typeName), \(what)) is not possible: sum takes integers, decimals and floating-point numbers"
                    )
                }
            }
            measures.append(
                Measure(
                    name: measure.name,
                    key: key,
                    accumulation: accumulation,
                    input: input(descriptor),
                    output: output,
                    mysqlType: mysqlType
                )
            )
        }
        self.measures = measures
        readColumns = read
        // Values are needed by the time column, sums, min and max; text that is only grouped,
        // filtered or counted distinct works on dictionary indices; count(column) on validity.
        var modes = [ReadMode](repeating: .validity, count: read.count)
        modes[0] = .values
        func need(_ i: Int, _ mode: ReadMode) {
            switch (modes[i], mode) {
            case (.values, _), (_, .values): modes[i] = .values
            case (.dictionary, _), (_, .dictionary):
                modes[i] = read[i].physicalType == .byteArray ? .dictionary : .values
            default: modes[i] = .validity
            }
        }
        for i in groupInputs { need(i, .dictionary) }
        for filter in filters { need(filter.input, .dictionary) }
        for measure in measures {
            guard let input = measure.input else { continue }
            switch measure.accumulation {
            case .countValues: need(input, .validity)
            case .countDistinct: need(input, .dictionary)
            default: need(input, .values)
            }
        }
        readModes = modes

        var outputs = [
            ColumnDescriptor(name: rollup.bucketColumn, physicalType: .int32, logicalType: .date, repetition: .required)
        ]
        var types = ["date"]
        for i in groupInputs {
            outputs.append(read[i])
            types.append(mysqlTypes[read[i].name] ?? "\(read[i].physicalType)")
        }
        outputs += measures.map(\.output)
        types += measures.map(\.mysqlType)
        outputSchema = ParquetSchema(columns: outputs)
        outputMySQLTypes = types
    }

    private static func int64(_ name: String) -> ColumnDescriptor {
        ColumnDescriptor(
            name: name,
            physicalType: .int64,
            logicalType: .integer(bitWidth: 64, signed: true),
            repetition: .required
        )
    }

    /// The definition as index.json records it.
    public var description: RollupDescription {
        RollupDescription(
            from: rollup.from,
            time: timeColumn,
            timeZone: rollup.timeZone,
            grain: rollup.grain.rawValue,
            groupBy: rollup.groupBy,
            filters: Dictionary(uniqueKeysWithValues: rollup.filters.map { ($0.column, $0.values) }),
            measures: Dictionary(uniqueKeysWithValues: rollup.measures.map { ($0.name, $0.expression) }),
            partitionGranularity: rollup.partitionGranularity
        )
    }

    /// One row group per month of buckets; per day with day buckets in month files.
    var rowGroupGranularity: RowGroupGranularity {
        rollup.grain == .day && rollup.partitionGranularity == .month ? .day : .month
    }
}
