import Parquet
import Testing

@testable import Publishing

/// The order check every batch and row group goes through: the typed fast path for the first
/// key must agree with sorting.
@Suite struct RowOrderFindsWhetherRowsAreInKeyOrder {
    static let schema = ParquetSchema(columns: [
        ColumnDescriptor(name: "day", physicalType: .int32, logicalType: .date, repetition: .optional),
        ColumnDescriptor(
            name: "id",
            physicalType: .int64,
            logicalType: .integer(bitWidth: 64, signed: false),
            repetition: .required
        ),
        ColumnDescriptor(name: "at", physicalType: .int64, repetition: .required),
    ])

    func batch(days: [Int32?], ids: [UInt64], at: [Int64]? = nil) -> RecordBatch {
        let validity = days.contains(nil) ? days.map { $0 != nil } : nil
        return RecordBatch(
            schema: Self.schema,
            columns: [
                Column(values: .int32(days.map { $0 ?? 0 }), validity: validity),
                Column(values: .int64(ids.map { Int64(bitPattern: $0) })),
                Column(values: .int64(at ?? Array(repeating: 0, count: ids.count))),
            ]
        )
    }

    /// Whether `permutation` leaves the rows in order, by sorting them the slow way.
    func expectAgreesWithSorting(_ order: RowOrder, _ batch: RecordBatch, _ comment: Comment) {
        let permutation = order.sortingPermutation(batch)
        let compare = order.withinBatch(batch)
        let inOrder = (1..<batch.rowCount).allSatisfy { compare($0 - 1, $0) <= 0 }
        #expect((permutation == nil) == inOrder, comment)
        if let permutation {
            #expect(zip(permutation, permutation.dropFirst()).allSatisfy { compare($0.0, $0.1) <= 0 }, comment)
        }
    }

    @Test func theFirstKeyDecidesAndTheNextOnesBreakTies() {
        let order = RowOrder(schema: Self.schema, keyColumns: [0, 1])
        expectAgreesWithSorting(order, batch(days: [1, 1, 2, 3], ids: [5, 7, 1, 1]), "in order")
        expectAgreesWithSorting(order, batch(days: [1, 1, 2, 3], ids: [7, 5, 1, 1]), "a tie out of order")
        expectAgreesWithSorting(order, batch(days: [1, 2, 1], ids: [1, 1, 1]), "the first key out of order")
        expectAgreesWithSorting(order, batch(days: [-3, -1, 0, 2], ids: [9, 9, 9, 9]), "days before 1970")
        expectAgreesWithSorting(order, batch(days: [nil, 1, nil], ids: [1, 2, 3]), "NULLs sort first")
        expectAgreesWithSorting(order, batch(days: [nil, nil, 1], ids: [1, 2, 3]), "NULLs first, in order")
    }

    @Test func unsignedKeysCompareAsUnsigned() {
        let order = RowOrder(schema: Self.schema, keyColumns: [1])
        let big = UInt64(Int64.max) + 10
        #expect(order.sortingPermutation(batch(days: [1, 1, 1], ids: [1, UInt64(Int64.max), big])) == nil)
        #expect(order.sortingPermutation(batch(days: [1, 1, 1], ids: [big, 1, 2])) == [1, 2, 0])
    }

    @Test func equalKeysKeepTheirArrivalOrder() {
        let order = RowOrder(schema: Self.schema, keyColumns: [2])
        #expect(order.sortingPermutation(batch(days: [1, 1, 1], ids: [3, 2, 1], at: [5, 5, 5])) == nil)
        #expect(order.sortingPermutation(batch(days: [1, 1, 1], ids: [3, 2, 1], at: [-1, 5, -1])) == [0, 2, 1])
    }
}
