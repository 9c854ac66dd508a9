import Foundation
import Logging
import Parquet
import Publishing
import Rollups
import TestSupport
import Testing

/// Rollups computed by a real refresh from a real MariaDB table, compared row for row with
/// DuckDB running the same GROUP BY over the published base files.
@Suite(.requiresMySQL, .requiresPythonReaders)
struct RollupsMatchDuckDB {
    /// Refreshes the scratch dataset with its rollups, as `refresh` and the daemon do.
    static func refresh(_ scratch: ScratchDataset, full: Bool = false, reconcile: Bool = false) throws -> RefreshResult
    {
        let refresher = try scratch.refresher()
        let configuration = try #require(scratch.configuration)
        refresher.derived = RollupPublisher(
            configuration: configuration,
            dataset: scratch.name,
            logger: refresher.logger
        )
        return try refresher.refresh(full: full, reconcile: reconcile)
    }

    /// `SELECT <keys>, <measures sorted by name> FROM base WHERE ... GROUP BY ALL`.
    static func sql(bucket: String, groups: [String], measures: [String: String], where condition: String) -> String {
        let columns =
            ["\(bucket)"] + groups.map { "\"\($0)\"" }
            + measures.keys.sorted().map { "\(measures[$0]!) AS \"\($0)\"" }
        return "SELECT \(columns.joined(separator: ", ")) FROM base WHERE \(condition) GROUP BY ALL"
    }

    @Test func everyFunctionGrainWhereAndNull() throws {
        let scratch = try ScratchDataset(
            "rollup_all",
            columns: """
                id INT NOT NULL PRIMARY KEY, created_at DATETIME(6) NULL, updated_at DATETIME(6) NOT NULL,
                status ENUM('paid','shipped','delivered','cancelled') NOT NULL, channel VARCHAR(10) NULL,
                quantity SMALLINT NULL, total DECIMAL(14,2) NULL, buyer_id INT UNSIGNED NULL, note VARCHAR(40) NULL,
                score DOUBLE NULL, big BIGINT UNSIGNED NULL, KEY (updated_at)
                """
        )
        try scratch.admin(
            """
            INSERT INTO $T SELECT seq, IF(seq % 97 = 0, NULL, TIMESTAMPADD(MINUTE, seq * 47, '2024-01-01')),
              UTC_TIMESTAMP(6), ELT(1 + seq % 4, 'paid', 'shipped', 'delivered', 'cancelled'),
              IF(seq % 11 = 0, NULL, ELT(1 + (seq DIV 3) % 3, 'web', 'ios', 'api')), IF(seq % 13 = 0, NULL, 1 + seq % 5),
              IF(seq % 17 = 0, NULL, (seq % 1000) * 1.25 - 300), IF(seq % 19 = 0, NULL, (seq * 7919) % 500 + 4294966000),
              IF(seq % 5 = 0, CONCAT('n', seq % 7), NULL), IF(seq % 23 = 0, NULL, (seq % 100) / 8),
              IF(seq % 29 = 0, NULL, 18446744073709551000 + seq % 500)
            FROM seq_1_to_4000
            """
        )
        let daily: [String: String] = [
            "orders": "count(*)", "items": "sum(quantity)", "gmv": "sum(total)", "buyers": "count_distinct(buyer_id)",
            "smallest": "min(total)", "largest": "max(total)", "first_at": "min(created_at)",
            "with_note": "count(note)",
            "score_sum": "sum(score)", "big_max": "max(big)", "big_min": "min(big)", "notes": "count_distinct(note)",
            "last_channel": "max(channel)",
        ]
        let measures = daily.map { "\($0.key) = \"\($0.value)\"" }.sorted().joined(separator: "\n")
        try scratch.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            every = "5m"

            [[rollup]]
            name = "daily"
            from = "ds"
            group_by = ["status", "channel"]
            [rollup.where]
            status = ["paid", "shipped", "delivered"]
            [rollup.measures]
            \(measures)

            [[rollup]]
            name = "monthly"
            from = "ds"
            grain = "month"
            partition_granularity = "none"
            [rollup.measures]
            orders = "count(*)"
            gmv = "sum(total)"
            buyers = "count_distinct(buyer_id)"

            [[rollup]]
            name = "weekly"
            from = "ds"
            grain = "week"
            group_by = ["channel"]
            partition_granularity = "month"
            [rollup.measures]
            orders = "count(*)"
            qty = "sum(quantity)"
            """
        )
        let result = try Self.refresh(scratch)
        #expect(result.derived.map(\.name).sorted() == ["daily", "monthly", "weekly"])
        let duckdb: [String: String] = daily.mapValues {
            $0.replacingOccurrences(of: "count_distinct(", with: "count(DISTINCT ")
        }
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "daily",
            base: "ds",
            sql: Self.sql(
                bucket: "CAST(created_at AS DATE) AS day",
                groups: ["status", "channel"],
                measures: duckdb,
                where: "created_at IS NOT NULL AND status IN ('paid', 'shipped', 'delivered')"
            ),
            keys: ["day", "status", "channel"]
        )
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "monthly",
            base: "ds",
            sql: Self.sql(
                bucket: "CAST(date_trunc('month', created_at) AS DATE) AS month",
                groups: [],
                measures: ["orders": "count(*)", "gmv": "sum(total)", "buyers": "count(DISTINCT buyer_id)"],
                where: "created_at IS NOT NULL"
            ),
            keys: ["month"]
        )
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "weekly",
            base: "ds",
            sql: Self.sql(
                bucket: "CAST(date_trunc('week', created_at) AS DATE) AS week",
                groups: ["channel"],
                measures: ["orders": "count(*)", "qty": "sum(quantity)"],
                where: "created_at IS NOT NULL"
            ),
            keys: ["week", "channel"]
        )

        // The output types of docs/rollups.md, as a reader sees them.
        let types = try RollupOracle.compare(
            publicDirectory: scratch.publicDirectory,
            rollup: "daily",
            base: "ds",
            sql: "SELECT 1 AS day, 1 AS status, 1 AS channel",
            keys: ["day", "status", "channel"]
        ).types
        #expect(types["day"] == "DATE")
        #expect(types["orders"] == "BIGINT" && types["buyers"] == "BIGINT" && types["items"] == "BIGINT")
        #expect(types["gmv"] == "DECIMAL(24,2)")
        #expect(types["score_sum"] == "DOUBLE")
        #expect(types["smallest"] == "DECIMAL(14,2)" && types["big_max"] == "UBIGINT")
        #expect(types["first_at"] == "TIMESTAMP")

        // The manifest names the base version each rollup was computed from, and the
        // rollup's index.json says so too, in the dataset index format.
        let manifest = try #require(try ManifestStore(root: scratch.publicDirectory).load())
        let base = try #require(manifest.datasets["ds"])
        for name in ["daily", "monthly", "weekly"] {
            let entry = try #require(manifest.datasets[name])
            #expect(entry.from == "ds" && entry.sourceVersion == base.version)
            let index = try DatasetIndex.decode(
                Array(try Data(contentsOf: URL(fileURLWithPath: scratch.publicDirectory + "/" + entry.index)))
            )
            #expect(index.sourceVersion == base.version && index.sourceDataset == "ds")
            #expect(index.partitionBy == ["daily": "day", "monthly": "month", "weekly": "week"][name])
            // Each file's checksum, as the base's files have theirs (the scrub verifies them).
            let folder = (scratch.publicDirectory + "/" + entry.index as NSString).deletingLastPathComponent
            for file in index.files {
                #expect(file.checksum == (try FileChecksum.of(file: folder + "/" + file.path)), "\(name)/\(file.path)")
            }
        }
        let weekly = try DatasetIndex.decode(
            Array(try Data(contentsOf: URL(fileURLWithPath: scratch.publicDirectory + "/weekly/current/index.json")))
        )
        #expect(weekly.files.map(\.partition).allSatisfy { $0.count == 7 }, "month files")
        #expect(weekly.rowGroupGranularity == .month)
        // The dataset index format (docs/index.schema.json), with the rollup's fields.
        for name in ["daily", "weekly"] {
            let errors = try PythonParquetReader.fromEnvironment().jsonSchemaErrors(
                in: URL(fileURLWithPath: scratch.publicDirectory + "/\(name)/current/index.json"),
                schema: TestEnvironment.repositoryRoot.appendingPathComponent("docs/index.schema.json")
            )
            #expect(errors.isEmpty, "\(name)/index.json does not match docs/index.schema.json: \(errors)")
        }
    }

    @Test func timestampsBucketByUTCOrTheirTimeZoneAndDatesByTheirDay() throws {
        let scratch = try ScratchDataset(
            "rollup_tz",
            columns: """
                id INT NOT NULL PRIMARY KEY, ts TIMESTAMP(3) NULL, d DATE NULL, v INT NOT NULL,
                updated_at DATETIME(6) NOT NULL
                """
        )
        // Around both 2024 transitions of Europe/Warsaw, and across midnight UTC.
        try scratch.admin(
            """
            SET time_zone = '+00:00';
            INSERT INTO $T SELECT seq, TIMESTAMPADD(MINUTE, seq * 37, IF(seq <= 600, '2024-03-29 18:00', '2024-10-20 18:00')),
              IF(seq % 9 = 0, NULL, DATE_ADD('2024-02-20', INTERVAL seq DAY)), CAST(seq AS SIGNED) % 50 - 10, UTC_TIMESTAMP(6)
            FROM seq_1_to_1200
            """
        )
        try scratch.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "ts"
            every = "5m"

            [[rollup]]
            name = "utc"
            from = "ds"
            [rollup.measures]
            n = "count(*)"
            v = "sum(v)"

            [[rollup]]
            name = "warsaw"
            from = "ds"
            time_zone = "Europe/Warsaw"
            [rollup.measures]
            n = "count(*)"
            v = "sum(v)"

            [[rollup]]
            name = "by_date"
            from = "ds"
            time = "d"
            grain = "month"
            [rollup.measures]
            n = "count(*)"
            first = "min(ts)"
            """
        )
        try Self.refresh(scratch)
        let measures = ["n": "count(*)", "v": "sum(v)"]
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "utc",
            base: "ds",
            sql: Self.sql(bucket: "CAST(ts AS DATE) AS day", groups: [], measures: measures, where: "ts IS NOT NULL"),
            keys: ["day"]
        )
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "warsaw",
            base: "ds",
            sql: Self.sql(
                bucket: "CAST(timezone('Europe/Warsaw', ts) AS DATE) AS day",
                groups: [],
                measures: measures,
                where: "ts IS NOT NULL"
            ),
            keys: ["day"]
        )
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "by_date",
            base: "ds",
            sql: Self.sql(
                bucket: "CAST(date_trunc('month', d) AS DATE) AS month",
                groups: [],
                measures: ["n": "count(*)", "first": "min(ts)"],
                where: "d IS NOT NULL"
            ),
            keys: ["month"]
        )
    }

    @Test func decimalExtremesSumExactly() throws {
        let scratch = try ScratchDataset(
            "rollup_dec",
            columns: """
                id INT NOT NULL PRIMARY KEY, created_at DATE NOT NULL, updated_at DATETIME(6) NOT NULL,
                small DECIMAL(9,2) NOT NULL, mid DECIMAL(18,0) NOT NULL, wide DECIMAL(28,4) NULL, k BIGINT NOT NULL
                """
        )
        try scratch.admin(
            """
            INSERT INTO $T SELECT seq, DATE_ADD('2024-01-01', INTERVAL seq % 40 DAY), UTC_TIMESTAMP(6),
              IF(seq % 2 = 0, 9999999.99, -9999999.99 + seq % 3), IF(seq % 3 = 0, -999999999999999999, 999999999999999999),
              IF(seq % 7 = 0, NULL, IF(seq % 2 = 0, 999999999999999999999999.9999, -999999999999999999999999.9998)),
              IF(seq % 2 = 0, 9223372036854775807 DIV 1000, -9223372036854775807 DIV 1000)
            FROM seq_1_to_2000
            """
        )
        try scratch.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            every = "5m"

            [[rollup]]
            name = "sums"
            from = "ds"
            [rollup.measures]
            small = "sum(small)"
            mid = "sum(mid)"
            wide = "sum(wide)"
            k = "sum(k)"
            wide_min = "min(wide)"
            wide_max = "max(wide)"
            """
        )
        try Self.refresh(scratch)
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "sums",
            base: "ds",
            sql: Self.sql(
                bucket: "created_at AS day",
                groups: [],
                measures: [
                    "small": "sum(small)", "mid": "sum(mid)", "wide": "sum(wide)", "k": "sum(k)",
                    "wide_min": "min(wide)", "wide_max": "max(wide)",
                ],
                where: "true"
            ),
            keys: ["day"]
        )
    }

    @Test func anIntegerSumThatOverflowsIsAnErrorNamingTheRollupAndBucketAndNothingIsPublished() throws {
        let scratch = try ScratchDataset(
            "rollup_overflow",
            columns:
                "id INT NOT NULL PRIMARY KEY, created_at DATE NOT NULL, updated_at DATETIME(6) NOT NULL, k BIGINT NOT NULL"
        )
        try scratch.admin(
            """
            INSERT INTO $T VALUES (1, '2024-01-01', UTC_TIMESTAMP(6), 5), (2, '2024-01-02', UTC_TIMESTAMP(6), 9223372036854775000),
              (3, '2024-01-02', UTC_TIMESTAMP(6), 9223372036854775000)
            """
        )
        try scratch.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            every = "5m"

            [[rollup]]
            name = "ksum"
            from = "ds"
            [rollup.measures]
            k = "sum(k)"
            """
        )
        let error = try #require(throws: RollupError.self) { try Self.refresh(scratch) }
        #expect(error.code == .overflow)
        #expect("\(error)".contains("rollup \"ksum\""))
        #expect("\(error)".contains("measures.k"))
        #expect("\(error)".contains("2024-01-02"))
        // Base and rollup are visible together or not at all.
        #expect(try scratch.directory.currentVersion() == nil)
        #expect(try ManifestStore(root: scratch.publicDirectory).load()?.datasets["ksum"] == nil)
    }
}

/// Rollups kept current by incremental refreshes of their base.
@Suite(.requiresMySQL, .requiresPythonReaders)
struct RollupMaintenance {
    static let table = """
        id INT NOT NULL PRIMARY KEY, created_at DATETIME(6) NOT NULL, paid_at DATETIME(6) NULL,
        updated_at DATETIME(6) NOT NULL, status ENUM('a','b','c') NOT NULL, total DECIMAL(10,2) NOT NULL,
        qty INT NULL, ratio DOUBLE NULL, KEY (updated_at)
        """

    static let rollups = """
        [[rollup]]
        name = "daily"
        from = "ds"
        group_by = ["status"]
        partition_granularity = "month"
        [rollup.measures]
        n = "count(*)"
        total = "sum(total)"
        qtys = "count_distinct(qty)"
        first = "min(created_at)"
        ratio = "sum(ratio)"

        [[rollup]]
        name = "by_paid"
        from = "ds"
        time = "paid_at"
        partition_granularity = "month"
        [rollup.measures]
        n = "count(*)"
        total = "sum(total)"
        """

    /// 3000 orders, one every 80 minutes from 2024-01-01 (to mid June), published with both rollups.
    static func fixture(rollups: String = rollups) throws -> ScratchDataset {
        let scratch = try ScratchDataset("rollup_inc", columns: table)
        try scratch.admin(
            """
            INSERT INTO $T SELECT seq, TIMESTAMPADD(MINUTE, seq * 80, '2024-01-01'),
              IF(seq % 31 = 0, NULL, TIMESTAMPADD(MINUTE, seq * 80 + (seq * 7) % 2000, '2024-01-01')), UTC_TIMESTAMP(6),
              ELT(1 + seq % 3, 'a', 'b', 'c'), (seq % 400) * 0.75, IF(seq % 7 = 0, NULL, seq % 40), (seq % 9) / 7
            FROM seq_1_to_3000
            """
        )
        try scratch.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            lookback = "1h"
            every = "5m"

            \(rollups)
            """
        )
        let first = try RollupsMatchDuckDB.refresh(scratch)
        #expect(first.derived.count == 2 && first.derived.allSatisfy(\.full))
        return scratch
    }

    static func inode(_ path: String) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64) ?? 0
    }

    /// The rollup built in full, from scratch, from the base's current version, into `root`.
    static func fullBuild(_ scratch: ScratchDataset, rollup: String, into root: String) throws -> String {
        var configuration = try #require(scratch.configuration)
        configuration.publish.directory = root + "/public"
        configuration.publish.stateDirectory = root + "/state"
        let base = try RollupPublisher.currentBase(
            of: try #require(configuration.dataset(named: scratch.name)),
            in: try #require(scratch.configuration)
        )
        var logger = Logger(label: "itest.full")
        logger.logLevel = .error
        let publisher = try #require(
            RollupPublisher(configuration: configuration, dataset: scratch.name, logger: logger)
        )
        let staged = try publisher.stage(for: base)
        for version in staged where version.name == rollup { _ = try version.commit(now: Date()) }
        return configuration.publish.directory + "/" + rollup + "/current"
    }

    @Test func afterInsertsMovesAndDeletesTheRollupEqualsAFullRebuildByteForByte() throws {
        let scratch = try Self.fixture()
        let before = scratch.publicDirectory + "/daily/v1"
        let beforePaid = scratch.publicDirectory + "/by_paid/v1"
        // March (ids 1080...1637; id 1638 is 2024-04-01 00:00): random rows moved three days on
        // (the last, 1580, is March 28th: still March), moved to another group, deleted (found
        // by reconciliation); June: new rows at random hours, a changed amount.
        func ids(_ range: ClosedRange<Int>) -> String {
            (0..<10).map { _ in String(Int.random(in: range)) }.joined(separator: ", ")
        }
        let (moved, flipped, deleted) = (ids(1080...1580), ids(1080...1637), ids(1080...1637))
        let inserted = (1...20).map { n in
            "(\(5000 + n), TIMESTAMPADD(MINUTE, \(Int.random(in: 0..<43_200)), '2024-06-01'), NULL, UTC_TIMESTAMP(6), "
                + "'\(["a", "b", "c"].randomElement()!)', \(n), \(n), 0.1)"
        }
        let changes = "moved \(moved); flipped \(flipped); deleted \(deleted)"
        try scratch.admin(
            """
            UPDATE $T SET created_at = TIMESTAMPADD(DAY, 3, created_at), updated_at = UTC_TIMESTAMP(6) WHERE id IN (\(moved));
            UPDATE $T SET status = IF(status = 'a', 'b', 'a'), updated_at = UTC_TIMESTAMP(6) WHERE id IN (\(flipped));
            DELETE FROM $T WHERE id IN (\(deleted));
            INSERT INTO $T VALUES \(inserted.joined(separator: ", "));
            UPDATE $T SET total = 1.5, updated_at = UTC_TIMESTAMP(6) WHERE id = \(Int.random(in: 2736...3000))
            """
        )
        let result = try RollupsMatchDuckDB.refresh(scratch, reconcile: true)
        let baseVersion = try #require(result.version)
        let daily = try #require(result.derived.first { $0.name == "daily" })
        #expect(!daily.full && daily.version == 2 && daily.sourceVersion == baseVersion)
        #expect(daily.filesRewritten == 2, "March and June only")

        // Files of months without a changed row are the previous version's, hard-linked.
        for month in ["2024-01", "2024-02", "2024-04", "2024-05"] {
            #expect(
                try Self.inode(before + "/\(month).parquet")
                    == Self.inode(scratch.publicDirectory + "/daily/v2/\(month).parquet")
            )
        }
        for month in ["2024-03", "2024-06"] {
            #expect(
                try Self.inode(before + "/\(month).parquet")
                    != Self.inode(scratch.publicDirectory + "/daily/v2/\(month).parquet")
            )
        }
        #expect(
            try Self.inode(beforePaid + "/2024-01.parquet")
                == Self.inode(scratch.publicDirectory + "/by_paid/v2/2024-01.parquet")
        )

        // Byte for byte what a full build from the same base version writes.
        let scratchRoot = try TemporaryDirectory(prefix: "pp-rollup-full")
        for rollup in ["daily", "by_paid"] {
            let full = try Self.fullBuild(scratch, rollup: rollup, into: scratchRoot.path + "/" + rollup)
            let incremental = scratch.publicDirectory + "/\(rollup)/current"
            let fullIndex = try scratch.index(atVersionPath: full)
            let incrementalIndex = try scratch.index(atVersionPath: incremental)
            #expect(fullIndex.files == incrementalIndex.files, "\(rollup): index.json files after \(changes)")
            #expect(fullIndex.sourceVersion == incrementalIndex.sourceVersion)
            for file in fullIndex.files {
                let a = try Data(contentsOf: URL(fileURLWithPath: full + "/" + file.path))
                let b = try Data(contentsOf: URL(fileURLWithPath: incremental + "/" + file.path))
                #expect(a == b, "\(rollup)/\(file.path) differs from a full build after \(changes)")
                #expect(file.checksum == FileChecksum.of(bytes: Array(b)), "\(rollup)/\(file.path)'s checksum")
            }
        }
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "daily",
            base: "ds",
            sql: RollupsMatchDuckDB.sql(
                bucket: "CAST(created_at AS DATE) AS day",
                groups: ["status"],
                measures: [
                    "n": "count(*)", "total": "sum(total)", "qtys": "count(DISTINCT qty)", "first": "min(created_at)",
                    "ratio": "sum(ratio)",
                ],
                where: "true"
            ),
            keys: ["day", "status"]
        )
        try RollupOracle.expectMatch(
            publicDirectory: scratch.publicDirectory,
            rollup: "by_paid",
            base: "ds",
            sql: RollupsMatchDuckDB.sql(
                bucket: "CAST(paid_at AS DATE) AS day",
                groups: [],
                measures: ["n": "count(*)", "total": "sum(total)"],
                where: "paid_at IS NOT NULL"
            ),
            keys: ["day"]
        )
        let manifest = try #require(try ManifestStore(root: scratch.publicDirectory).load())
        #expect(manifest.datasets["ds"]?.version == baseVersion)
        #expect(manifest.datasets["daily"]?.sourceVersion == baseVersion)
        #expect(manifest.datasets["daily"]?.version == 2)
    }

    @Test func noBaseChangeNoRollupVersionAndAChangedDefinitionRebuildsInFull() throws {
        let scratch = try Self.fixture()
        let unchanged = try RollupsMatchDuckDB.refresh(scratch)
        #expect(unchanged.version == nil && unchanged.derived.isEmpty)
        #expect(try DatasetDirectory(root: scratch.publicDirectory, dataset: "daily").currentVersion() == 1)

        // A measure more: the next cycle rebuilds the rollup, though the base did not change.
        try scratch.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            lookback = "1h"
            every = "5m"

            \(Self.rollups.replacingOccurrences(of: "qtys = ", with: "biggest = \"max(total)\"\nqtys = "))
            """
        )
        let redefined = try RollupsMatchDuckDB.refresh(scratch)
        #expect(redefined.version == nil, "the base did not change")
        let daily = try #require(redefined.derived.first { $0.name == "daily" })
        #expect(daily.full && daily.version == 2)
        #expect(daily.reason?.contains("definition changed (measures)") == true, "\(daily.reason ?? "")")
        #expect(!redefined.derived.contains { $0.name == "by_paid" }, "by_paid is unchanged")
        let manifest = try #require(try ManifestStore(root: scratch.publicDirectory).load())
        #expect(manifest.datasets["daily"]?.version == 2 && manifest.datasets["daily"]?.sourceVersion == 1)
    }

    @Test func theCommandsHandleRollupsWithTheirBase() throws {
        let scratch = try Self.fixture()
        // A rollup's name refreshes its base (nothing changed: no version, no rollup version).
        let refresh = try PublisherBinary.run(["refresh", "--json", "--config", scratch.configPath, "daily"])
        #expect(refresh.succeeded, "\(refresh.errorOutput)")
        let result = try #require(try JSONSerialization.jsonObject(with: refresh.standardOutput) as? [String: Any])
        #expect(result["dataset"] as? String == "ds")
        #expect((result["rollups"] as? [Any])?.isEmpty == true)

        let status = try PublisherBinary.run(["status", "--json", "--config", scratch.configPath])
        #expect(status.succeeded, "\(status.errorOutput)")
        let document = try #require(try JSONSerialization.jsonObject(with: status.standardOutput) as? [String: Any])
        let daily = try #require((document["datasets"] as? [String: Any])?["daily"] as? [String: Any])
        #expect(daily["rollup_of"] as? String == "ds")
        #expect(daily["version"] as? Int == 1 && daily["source_version"] as? Int == 1)

        let check = try PublisherBinary.run(["check-config", "--config", scratch.configPath])
        #expect(check.succeeded, "\(check.errorOutput)")
        #expect(check.output.contains("rollup \"daily\": ok, 7 columns (day, status, first, n, qtys, ratio, total)"))
    }

    @Test func aRollupMissingFromTheManifestIsPublishedAgainByTheNextCycle() throws {
        let scratch = try Self.fixture()
        // What the daemon's start-up check does to a rollup computed from another base version.
        try ManifestStore(root: scratch.publicDirectory).remove(dataset: "daily")
        let result = try RollupsMatchDuckDB.refresh(scratch)
        #expect(result.version == nil, "the base did not change")
        let daily = try #require(result.derived.first { $0.name == "daily" })
        #expect(daily.full && daily.reason?.contains("manifest.json does not name v1") == true)
        let entry = try #require(try ManifestStore(root: scratch.publicDirectory).load()?.datasets["daily"])
        #expect(entry.version == 2 && entry.sourceVersion == 1)
        #expect(!result.derived.contains { $0.name == "by_paid" })
    }

    @Test func aDamagedRollupFileIsNotCarriedTheRollupIsRebuiltInFull() throws {
        let scratch = try Self.fixture()
        // January's file, which a June change would otherwise carry into v2 as it is.
        let index = try scratch.index(atVersionPath: scratch.publicDirectory + "/daily/current")
        let january = try #require(index.files.first)
        let path = scratch.publicDirectory + "/daily/current/" + january.path
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try scratch.admin("UPDATE $T SET total = 2.5, updated_at = UTC_TIMESTAMP(6) WHERE id = 2900")

        let result = try RollupsMatchDuckDB.refresh(scratch)
        let daily = try #require(result.derived.first { $0.name == "daily" })
        #expect(daily.full && daily.reason?.contains("\(january.path) is damaged") == true, "\(daily)")
        let scratchRoot = try TemporaryDirectory(prefix: "pp-rollup-damaged")
        let full = try Self.fullBuild(scratch, rollup: "daily", into: scratchRoot.path)
        let published = scratch.publicDirectory + "/daily/current"
        #expect(try scratch.index(atVersionPath: full).files == scratch.index(atVersionPath: published).files)
        for file in try scratch.index(atVersionPath: published).files {
            #expect(file.checksum == (try FileChecksum.of(file: published + "/" + file.path)), "\(file.path)")
        }
    }
}
