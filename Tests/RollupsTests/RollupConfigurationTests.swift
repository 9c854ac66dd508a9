import Parquet
import Publishing
import Testing

@testable import Rollups

/// `[[rollup]]` as check-config sees it: every error names the rollup and the key.
@Suite struct RollupConfigurationErrorsNameTheRollupAndKey {
    static func toml(_ rollup: String, datasetExtra: String = "") -> String {
        """
        [source]
        host = "127.0.0.1"
        user = "reader"
        database = "shop"

        [publish]
        directory = "/srv/public"
        state_directory = "/srv/state"

        [[dataset]]
        name = "orders"
        table = "orders"
        primary_key = ["id"]
        partition_by = "created_at"
        every = "5m"
        \(datasetExtra)

        [[dataset]]
        name = "sellers"
        table = "sellers"
        primary_key = ["id"]
        every = "5m"

        \(rollup)
        """
    }

    static func errors(_ text: String) -> [String] {
        do {
            _ = try Configuration.parse(text, path: "config.toml")
            return []
        } catch let errors as ConfigurationErrors {
            return errors.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func aValidRollupParsesWithItsDefaults() throws {
        let configuration = try Configuration.parse(
            Self.toml(
                """
                [[rollup]]
                name = "orders_daily"
                from = "orders"
                group_by = ["status", "channel"]
                [rollup.where]
                status = ["paid", "shipped"]
                shop_id = 3
                [rollup.measures]
                orders = "count(*)"
                gmv = "sum(total)"
                """
            ),
            path: "config.toml"
        )
        let rollup = try #require(configuration.rollups.first)
        #expect(rollup.grain == .day && rollup.partitionGranularity == .year && rollup.time == nil)
        #expect(rollup.groupBy == ["status", "channel"])
        #expect(rollup.measures.map(\.name) == ["gmv", "orders"], "in the order of their names")
        #expect(
            rollup.filters == [
                RollupFilter(column: "shop_id", values: [.integer(3)]),
                RollupFilter(column: "status", values: [.string("paid"), .string("shipped")]),
            ]
        )
    }

    @Test func offlineErrors() {
        let errors = Self.errors(
            Self.toml(
                """
                [[rollup]]
                name = "a"
                from = "nope"
                grain = "hour"
                time_zone = "Mars/Olympus"
                [rollup.measures]
                x = "avg(total)"

                [[rollup]]
                name = "b"
                from = "sellers"
                [rollup.measures]
                n = "count(*)"

                [[rollup]]
                name = "sellers"
                from = "orders"
                colour = "blue"
                [rollup.measures]
                n = "sum(*)"
                """
            )
        )
        let expected = [
            "config.toml: rollup \"a\": key \"from\": no [[dataset]] is named \"nope\"",
            "config.toml: rollup \"a\": key \"grain\": \"hour\" is not one of",
            "config.toml: rollup \"a\": key \"time_zone\": \"Mars/Olympus\" is not an IANA time zone",
            "config.toml: rollup \"a\": key \"measures.x\": \"avg(total)\": unknown function \"avg\"",
            "config.toml: rollup \"b\": key \"from\": dataset \"sellers\" has no partition_by",
            "config.toml: rollup \"sellers\": key \"measures.n\": \"sum(*)\": only count takes *",
            "config.toml: rollup \"sellers\": key \"colour\": unknown key",
        ]
        for line in expected {
            #expect(errors.contains { $0.hasPrefix(line) }, "missing: \(line)\nin: \(errors)")
        }
    }

    @Test func aRollupNamedLikeADatasetAndColumnsTheDatasetDoesNotPublish() {
        let errors = Self.errors(
            Self.toml(
                """
                [[rollup]]
                name = "orders"
                from = "orders"
                group_by = ["status"]
                [rollup.where]
                country = ["DE"]
                [rollup.measures]
                n = "count(*)"
                gmv = "sum(total)"
                """,
                datasetExtra: "columns = [\"id\", \"created_at\", \"total\"]"
            )
        )
        for line in [
            "config.toml: rollup \"orders\": key \"name\": a [[dataset]] is named \"orders\" too",
            "config.toml: rollup \"orders\": key \"group_by\": dataset \"orders\" does not publish column \"status\"",
            "config.toml: rollup \"orders\": key \"where.country\": dataset \"orders\" does not publish column \"country\"",
        ] {
            #expect(errors.contains { $0.hasPrefix(line) }, "missing: \(line)\nin: \(errors)")
        }
    }
}

/// The checks that need the base's column types (online check-config, every refresh).
@Suite struct RollupTypeRules {
    static let schema = ParquetSchema(columns: [
        ColumnDescriptor(
            name: "id",
            physicalType: .int64,
            logicalType: .integer(bitWidth: 64, signed: false),
            repetition: .required
        ),
        ColumnDescriptor(
            name: "created_at",
            physicalType: .int64,
            logicalType: .timestamp(unit: .micros, adjustedToUTC: false)
        ),
        ColumnDescriptor(name: "status", physicalType: .byteArray, logicalType: .string, repetition: .required),
        .decimal("total", precision: 14, scale: 2, repetition: .required),
        .decimal("huge", precision: 50, scale: 0),
        ColumnDescriptor(name: "quantity", physicalType: .int32, logicalType: .integer(bitWidth: 16, signed: true)),
        ColumnDescriptor(name: "score", physicalType: .double),
    ])
    static let base: DatasetConfiguration = {
        var dataset = DatasetConfiguration(
            name: "orders",
            source: .table(schema: nil, name: "orders"),
            primaryKey: ["id"]
        )
        dataset.partitionBy = "created_at"
        dataset.partitionGranularity = .month
        return dataset
    }()

    static func plan(
        _ measures: [String: String],
        groupBy: [String] = [],
        filters: [RollupFilter] = [],
        time: String? = nil
    )
        throws -> RollupPlan
    {
        try RollupPlan(
            rollup: RollupConfiguration(
                name: "r",
                from: "orders",
                time: time,
                groupBy: groupBy,
                filters: filters,
                measures: measures.keys.sorted().map {
                    try! RollupMeasure.parse(name: $0, expression: measures[$0]!).get()
                }
            ),
            base: base,
            schema: schema,
            mysqlTypes: ["status": "enum('a','b')", "total": "decimal(14,2)"]
        )
    }

    @Test func outputTypesFollowTheContract() throws {
        let plan = try Self.plan([
            "n": "count(*)", "s": "sum(quantity)", "g": "sum(total)", "f": "sum(score)", "lo": "min(status)",
            "d": "count_distinct(status)",
        ])
        let columns = Dictionary(uniqueKeysWithValues: plan.outputSchema.columns.map { ($0.name, $0) })
        #expect(plan.outputSchema.columns.map(\.name) == ["day", "d", "f", "g", "lo", "n", "s"])
        #expect(columns["day"]?.logicalType == .date && columns["day"]?.repetition == .required)
        #expect(columns["n"]?.physicalType == .int64 && columns["d"]?.physicalType == .int64)
        #expect(columns["s"]?.physicalType == .int64 && columns["s"]?.repetition == .optional)
        #expect(columns["g"]?.logicalType == .decimal(precision: 24, scale: 2))
        #expect(columns["f"]?.physicalType == .double)
        #expect(columns["lo"]?.logicalType == .string)
    }

    @Test func errorsNameTheRollupAndKey() {
        func message(_ body: () throws -> RollupPlan) -> String {
            do {
                _ = try body()
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(
            message { try Self.plan(["gmv": "sum(status)"]) }.hasPrefix(
                "rollup \"r\": key \"measures.gmv\": sum over column \"status\" (enum('a','b'), text or bytes) is not possible"
            )
        )
        #expect(
            message { try Self.plan(["t": "sum(created_at)"]) }.contains(
                "key \"measures.t\": sum over column \"created_at\""
            )
        )
        #expect(message { try Self.plan(["h": "sum(huge)"]) }.contains("sums are exact up to DECIMAL(38)"))
        #expect(
            message {
                try Self.plan(["n": "count(*)"], filters: [RollupFilter(column: "state", values: [.string("x")])])
            }
            .hasPrefix("rollup \"r\": key \"where.state\": dataset \"orders\" has no column \"state\"")
        )
        #expect(
            message {
                try Self.plan(["n": "count(*)"], filters: [RollupFilter(column: "quantity", values: [.string("x")])])
            }
            .contains("key \"where.quantity\"")
        )
        #expect(message { try Self.plan(["n": "count(*)"], groupBy: ["colour"]) }.contains("key \"group_by\""))
        #expect(message { try Self.plan(["n": "count(*)"], time: "status") }.contains("key \"time\""))
    }
}

/// Buckets: the day, the Monday of its ISO week, the first of its month.
@Suite struct Buckets {
    @Test func weeksStartOnMondayAndMonthsOnTheFirst() throws {
        let column = ColumnDescriptor(name: "d", physicalType: .int32, logicalType: .date)
        let day = CivilDays.from(year: 2024, month: 1, day: 7)  // a Sunday
        #expect(try Bucketing(column: column, grain: .week, timeZone: nil).bucket(day: day) == Int32(day - 6))
        #expect(try Bucketing(column: column, grain: .week, timeZone: nil).bucket(day: day + 1) == Int32(day + 1))
        #expect(
            try Bucketing(column: column, grain: .month, timeZone: nil).bucket(day: day)
                == Int32(CivilDays.from(year: 2024, month: 1, day: 1))
        )
        #expect(try Bucketing(column: column, grain: .day, timeZone: nil).bucket(day: -1) == -1)
    }

    @Test func aTimestampInATimeZoneTakesItsLocalDate() throws {
        let column = ColumnDescriptor(
            name: "t",
            physicalType: .int64,
            logicalType: .timestamp(unit: .micros, adjustedToUTC: true)
        )
        let bucketing = try Bucketing(column: column, grain: .day, timeZone: "America/New_York")
        let midnightUTC = Int64(CivilDays.from(year: 2024, month: 7, day: 1)) * 86_400_000_000
        var out: [Int32] = []
        bucketing.buckets(of: Column(values: .int64([midnightUTC - 1, midnightUTC + 5 * 3_600_000_000])), into: &out)
        #expect(
            out == [
                Int32(CivilDays.from(year: 2024, month: 6, day: 30)),
                Int32(CivilDays.from(year: 2024, month: 7, day: 1)),
            ]
        )
    }
}
