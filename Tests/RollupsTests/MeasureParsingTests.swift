import Publishing
import Testing

@Suite struct MeasuresParseAsWritten {
    @Test(arguments: [
        ("count(*)", RollupMeasure.Function.count, nil as String?),
        ("COUNT( note )", .count, "note"),
        ("sum(total)", .sum, "total"),
        ("count_distinct(buyer_id)", .countDistinct, "buyer_id"),
        ("min(`created_at`)", .min, "created_at"),
        (" max(total) ", .max, "total"),
    ])
    func wellFormed(text: String, function: RollupMeasure.Function, column: String?) throws {
        let measure = try RollupMeasure.parse(name: "m", expression: text).get()
        #expect(measure.function == function)
        #expect(measure.column == column)
    }

    @Test(arguments: ["avg(total)", "sum(*)", "sum total", "sum(a, b)", "sum()", "count(lower(x))"])
    func malformed(text: String) {
        #expect(throws: RollupParseFailure.self) { try RollupMeasure.parse(name: "m", expression: text).get() }
    }
}
