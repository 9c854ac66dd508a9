import Foundation
import Publishing
import TestSupport
import Testing

/// The viewer (web/) in Debian's headless Chromium, served by the reference nginx site, over
/// datasets the built binary publishes from the test MariaDB: what a user's browser does.
@Suite(
    "The viewer in Chromium shows exactly the rows of a range and fetches only their row groups",
    .requiresMySQL,
    .requiresPythonReaders,
    .requiresBrowser
)
struct ViewerInChromium {
    /// Two datasets in one publish directory:
    /// - `orders`: DATETIME(6) partitions, month files, day row groups, and a column for every
    ///   way a sum can be stored: DECIMAL on INT64 (`total`), on INT32 with NULLs (`price`), on
    ///   FIXED_LEN_BYTE_ARRAY (`huge`), INT UNSIGNED near its top (`units`, negative as INT32
    ///   bit patterns), BIGINT whose sum overflows 64 bits (`big`), DOUBLE (`ratio`); a day
    ///   and a half without rows; 4000 rows over about 100 days.
    /// - `events`: TIMESTAMP(6) (UTC) partitions, year files, month row groups cut every 40
    ///   rows, so row groups span days and ranges cut through them; DOUBLE and SMALLINT
    ///   columns; NULL times (null.parquet).
    final class Published: Sendable {
        let orders: ScratchDataset
        let events: ScratchDataset

        init() throws {
            orders = try ScratchDataset(
                "vw_orders",
                columns: """
                    id BIGINT NOT NULL PRIMARY KEY, created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL,
                    total DECIMAL(14,2) NOT NULL, price DECIMAL(7,2) NULL, units INT UNSIGNED NOT NULL,
                    big BIGINT NULL, huge DECIMAL(30,4) NULL, ratio DOUBLE NULL, note VARCHAR(40) NULL
                    """,
                dataset: "orders"
            )
            try orders.admin(
                """
                INSERT INTO $T SELECT n,
                  TIMESTAMPADD(MICROSECOND, n * 2220000000 + (n * 7919) % 600000000, '2024-01-20'),
                  TIMESTAMPADD(MICROSECOND, n * 2220000000 + (n * 7919) % 600000000, '2024-01-20'),
                  ((n * 7919) % 200000 - 50000) / 100,
                  IF(n % 7 = 0, NULL, ((n * 31) % 99999) / 100),
                  4294967295 - (n * 104729) % 1000,
                  IF(n % 11 = 0, NULL, ((n * 1000003) % 9000) * 1000000000000000 * IF(n % 2 = 0, 1, -1)),
                  IF(n % 5 = 0, NULL, CAST(CONCAT(IF(n % 3 = 0, '-', ''), (n * 7919) % 1000000,
                    '12345678901234567890.', LPAD(n % 10000, 4, '0')) AS DECIMAL(30,4))),
                  IF(n % 13 = 0, NULL, (n % 977) / 3.0 - 100),
                  IF(n % 3 = 0, NULL, CONCAT('order ', n))
                FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_1_to_4000) AS s WHERE n NOT BETWEEN 1200 AND 1260
                """
            )
            events = try ScratchDataset(
                "vw_events",
                columns: "id INT NOT NULL PRIMARY KEY, at TIMESTAMP(6) NULL, qty SMALLINT NOT NULL, score DOUBLE NULL",
                dataset: "events"
            )
            try events.admin(
                """
                SET SESSION time_zone = '+00:00';
                INSERT INTO $T SELECT n,
                  IF(n % 50 = 0, NULL, TIMESTAMPADD(SECOND, n * 17280 + n % 3600, '2023-11-01')),
                  (n * 37) % 2000 - 1000,
                  IF(n % 9 = 0, NULL, (n % 1000) / 7.0 - 50)
                FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_1_to_2000) AS s
                """
            )
            let toml = """
                \(try orders.sourceSection())

                [publish]
                directory = "\(orders.publicDirectory)"
                state_directory = "\(orders.stateDirectory)"
                keep_versions_for = "1h"

                [[dataset]]
                name = "orders"
                table = "\(orders.table)"
                primary_key = ["id"]
                updated_at = "updated_at"
                partition_by = "created_at"
                partition_granularity = "month"
                row_group_granularity = "day"
                every = "5m"

                [[dataset]]
                name = "events"
                table = "\(events.table)"
                primary_key = ["id"]
                partition_by = "at"
                partition_granularity = "year"
                row_group_granularity = "month"
                max_rows_per_row_group = 40
                every = "5m"

                """
            try toml.write(toFile: orders.configPath, atomically: true, encoding: .utf8)
            try ViewerInChromium.publish(orders)
            try labelEventsARollupOfOrders()
        }

        /// A rollup (issue 13) is published like a dataset, with a few more fields: its
        /// manifest entry names its base (`from`, `source_version`), its index.json its source
        /// and definition. `events` is labelled so here, with a field no reader knows besides:
        /// the viewer must list it as a rollup and read it like any dataset.
        func labelEventsARollupOfOrders() throws {
            let root = URL(fileURLWithPath: orders.publicDirectory)
            let manifestURL = root.appendingPathComponent("manifest.json")
            var manifest = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any]
            )
            var datasets = try #require(manifest["datasets"] as? [String: Any])
            var entry = try #require(datasets["events"] as? [String: Any])
            entry["from"] = "orders"
            entry["source_version"] = (datasets["orders"] as? [String: Any])?["version"]
            entry["a_field_from_the_future"] = ["nested": [1, 2]]
            datasets["events"] = entry
            manifest["datasets"] = datasets
            try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: manifestURL)

            let indexURL = root.appendingPathComponent(try #require(entry["index"] as? String))
            var index = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: indexURL)) as? [String: Any]
            )
            index["source_dataset"] = "orders"
            index["source_version"] = entry["source_version"]
            index["rollup"] = [
                "from": "orders", "time": "at", "time_zone": NSNull(), "grain": "day", "group_by": [String](),
                "where": [String: Any](), "measures": ["qty": "sum(qty)"], "partition_granularity": "year",
            ]
            try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys]).write(to: indexURL)
        }
    }

    /// Publishes with the built binary, as the daemon would, and lets nginx's workers (nobody)
    /// read the tree.
    static func publish(_ dataset: ScratchDataset) throws {
        let result = try PublisherBinary.run(["refresh", "--config", dataset.configPath])
        try result.requireSuccess("parquet-publisher refresh")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dataset.root)
    }

    /// A view to load and what it should show.
    struct Case {
        var id: String
        var dataset: String
        var from: String
        var to: String
        var sum: String?
        var screenshot: String? = nil
        var data: String? = nil

        var query: String {
            var query = "?"
            if let data { query += "data=\(data)&" }
            query += "dataset=\(dataset)&from=\(from)&to=\(to)"
            if let sum { query += "&sum=\(sum)" }
            return query
        }
    }

    /// The first and last day holding rows, from the index.
    static func dayRange(_ index: DatasetIndex) throws -> ClosedRange<Int64> {
        let days = index.files.flatMap { [$0.min, $0.max] }.compactMap { $0 }.compactMap(TestCalendar.micros)
            .map(TestCalendar.day(ofMicros:))
        return try #require(days.min())...#require(days.max())
    }

    static func day(_ days: Int64) -> String { TestCalendar.name(ofDay: days, components: 3) }

    @Test func randomRangesAgreeWithDuckDBAndFetchOnlyTheirRowGroups() throws {
        let published = try Published()
        let server = try ViewerServer(publishing: published.orders.publicDirectory)
        let indexes = try ["orders", "events"].reduce(into: [String: DatasetIndex]()) { indexes, name in
            let directory = DatasetDirectory(root: published.orders.publicDirectory, dataset: name)
            let version = try #require(try directory.currentVersion())
            indexes[name] = try DatasetIndex.decode(
                Array(try Data(contentsOf: URL(fileURLWithPath: directory.versionPath(version) + "/index.json")))
            )
        }
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed)
        var cases: [Case] = []
        let plans: [(dataset: String, sums: [String?], longest: Int64)] = [
            ("orders", ["total", "price", "units", "big", "huge", "ratio"], 60),
            ("events", ["qty", "score", nil, "qty"], 200),
        ]
        for plan in plans {
            let days = try Self.dayRange(try #require(indexes[plan.dataset]))
            for (n, sum) in plan.sums.enumerated() {
                let from = Int64.random(in: (days.lowerBound - 3)...days.upperBound, using: &random)
                let to = from + Int64.random(in: 1...plan.longest, using: &random)
                cases.append(
                    Case(
                        id: "\(plan.dataset)-\(n)",
                        dataset: plan.dataset,
                        from: Self.day(from),
                        to: Self.day(to),
                        sum: sum
                    )
                )
            }
        }
        let orderDays = try Self.dayRange(try #require(indexes["orders"]))
        cases.append(
            Case(
                id: "orders-before-any-row",
                dataset: "orders",
                from: Self.day(orderDays.lowerBound - 20),
                to: Self.day(orderDays.lowerBound - 10),
                sum: "total"
            )
        )
        let shots = try ViewerOutput.directory()
        cases.append(
            Case(
                id: "orders-screenshot",
                dataset: "orders",
                from: Self.day(orderDays.lowerBound + 7),
                to: Self.day(orderDays.lowerBound + 37),
                sum: "total",
                screenshot: shots.appendingPathComponent("orders-30-days.png").path,
                data: "/data/"
            )
        )

        var views = cases.map { ViewerBrowser.View(id: $0.id, query: $0.query, screenshot: $0.screenshot) }
        views.append(ViewerBrowser.View(id: "default", query: ""))
        let results = try ViewerBrowser.run(views, base: server.url, scratch: published.orders.scratch)
        let log = try server.requests()

        // With no parameters: the first dataset (by name) that is not a rollup, its last 30 days;
        // the menu lists the rollup under its base.
        let defaultResult = try #require(results["default"])
        let defaultView = try #require(defaultResult.report)
        #expect(
            defaultView.dataset == "orders" && defaultView.to == Self.day(orderDays.upperBound + 1)
                && defaultView.from == Self.day(orderDays.upperBound + 1 - 30) && defaultView.sum == nil,
            "the default view: \(defaultView)"
        )
        #expect(defaultResult.options == ["orders", "events (rollup of orders)"], "the menu: \(defaultResult.options)")

        let checks = try cases.map { item in
            let report = try #require(results[item.id]?.report, "\(item.id): no viewerReport")
            let index = try #require(indexes[item.dataset])
            let folder = DatasetDirectory(root: published.orders.publicDirectory, dataset: item.dataset)
                .versionPath(index.version)
            return ViewerExpectations.Check(
                id: item.id,
                files: index.files.map { folder + "/" + $0.path },
                partitionBy: try #require(index.partitionBy),
                from: item.from,
                to: item.to,
                sum: item.sum,
                shown: (report.columns ?? []) + [index.partitionBy, item.sum].compactMap { $0 },
                selected: (report.files ?? []).map {
                    .init(file: folder + "/" + $0.path, rowStart: $0.rowStart, rowEnd: $0.rowEnd)
                }
            )
        }
        let expected = try ViewerExpectations.run(checks, scratch: published.orders.scratch)

        for item in cases {
            try checkView(
                item,
                result: try #require(results[item.id]),
                expected: try #require(expected[item.id]),
                index: try #require(indexes[item.dataset]),
                publicDirectory: published.orders.publicDirectory,
                log: log.filter { $0.view == item.id },
                seed: seed
            )
        }
        let screenshot = shots.appendingPathComponent("orders-30-days.png")
        #expect(FileManager.default.fileExists(atPath: screenshot.path), "no screenshot at \(screenshot.path)")
        Attachment.record(try Data(contentsOf: screenshot), named: "orders-30-days.png")
    }

    /// One view's report against DuckDB, pyarrow's footers, Chromium's Resource Timing, nginx's
    /// access log and `DatasetIndex.lookup`.
    func checkView(
        _ item: Case,
        result: ViewerBrowser.Result,
        expected: ViewerExpectations.Expected,
        index: DatasetIndex,
        publicDirectory: String,
        log: [ViewerServer.Request],
        seed: UInt64
    ) throws {
        let context = "\(item.id) \(item.query) (seed \(seed))"
        #expect(
            result.ready == "true",
            "\(context): data-ready \(result.ready ?? "unset"), \(result.report?.error ?? "")"
        )
        #expect(result.errors.isEmpty, "\(context): the page logged \(result.errors)")
        let report = try #require(result.report)
        #expect(report.dataset == item.dataset && report.version == index.version, "\(context)")
        #expect(
            report.from == item.from && report.to == item.to,
            "\(context): from/to \(report.from ?? "-") \(report.to ?? "-")"
        )

        // Exactly DuckDB's count and sum.
        #expect(report.rows == expected.rows, "\(context): rows \(report.rows ?? -1), DuckDB \(expected.rows)")
        if ["score", "ratio"].contains(item.sum), let ours = report.sum.flatMap(Double.init),
            let theirs = expected.sum.flatMap(Double.init)
        {
            #expect(abs(ours - theirs) <= 1e-9 * max(1, abs(theirs)), "\(context): sum \(ours), DuckDB \(theirs)")
        } else {
            #expect(
                report.sum == expected.sum,
                "\(context): sum \(report.sum ?? "null"), DuckDB \(expected.sum ?? "null")"
            )
        }

        // The row ranges are DatasetIndex.lookup's.
        let lookup = try index.lookup(from: item.from, to: item.to)
        #expect(
            (report.files ?? []).map { IndexSlice(file: $0.path, rowStart: $0.rowStart, rowEnd: $0.rowEnd) } == lookup,
            "\(context): files \(report.files ?? []), lookup \(lookup)"
        )

        // What was fetched, three ways: the page's count, Chromium's, nginx's.
        let data = result.resources
        #expect(
            report.requests == data.count,
            "\(context): \(report.requests) requests, Resource Timing saw \(data.count)"
        )
        #expect(report.bytes == data.reduce(0) { $0 + $1.decodedBodySize }, "\(context): bytes against Resource Timing")
        let served = log.filter { $0.path.hasPrefix("/data/") }
        #expect(served.count == report.requests, "\(context): nginx served \(served.count) requests")
        let parquet = served.filter { $0.path.hasSuffix(".parquet") }
        #expect(
            parquet.reduce(0) { $0 + $1.bodyBytes }
                == data.filter { $0.name.hasSuffix(".parquet") }.reduce(0) { $0 + $1.encodedBodySize },
            "\(context): Parquet bytes, nginx against Chromium"
        )
        #expect(served.filter { $0.path.hasSuffix("/manifest.json") }.count == 1, "\(context): manifest.json once")
        #expect(!result.requests.contains { $0.url.contains("/current/") }, "\(context): went through current/")

        // At most 1.5x the shown columns' chunks of the range's row groups, plus index.json,
        // manifest.json and the files' tails (page indexes and footers).
        let version = DatasetDirectory(root: publicDirectory, dataset: item.dataset).versionPath(index.version)
        let indexBytes = try fileSize(version + "/index.json")
        let manifestBytes = try fileSize(publicDirectory + "/manifest.json")
        let allowance = expected.shownChunkBytes * 3 / 2 + indexBytes + manifestBytes + expected.tailBytes
        #expect(
            report.bytes <= allowance,
            "\(context): fetched \(report.bytes) bytes; chunks \(expected.shownChunkBytes), tails \(expected.tailBytes)"
        )

        // Every Parquet request lies in the range's row groups or a file's tail.
        let slices = Dictionary(uniqueKeysWithValues: lookup.map { ($0.file, $0) })
        for request in parquet {
            let name = String(request.path.split(separator: "/").last ?? "")
            let file = try #require(
                index.files.first { $0.path == name },
                "\(context): \(request.path) is not in the index"
            )
            let range = try #require(request.range, "\(context): \(request.path) without a Range header")
            #expect(request.status == 206 && request.path.contains("/v\(index.version)/"), "\(context): \(request)")
            var allowed: [Range<Int>] = []
            if let last = file.rowGroups.last { allowed.append(Int(last.offset + last.length)..<Int(file.bytes)) }
            if let slice = slices[name] {
                let groups = file.rowGroups.filter {
                    $0.firstRow >= slice.rowStart && $0.firstRow + $0.rows <= slice.rowEnd
                }
                if let first = groups.first, let last = groups.last {
                    allowed.append(Int(first.offset)..<Int(last.offset + last.length))
                }
            }
            #expect(
                allowed.contains { $0.lowerBound <= range.lowerBound && range.upperBound <= $0.upperBound },
                "\(context): \(name) bytes \(range) are outside the range's row groups and the footer (\(allowed))"
            )
        }
    }

    @Test func aViewStaysOnTheVersionItStartedWithWhileANewOneIsPublished() throws {
        let dataset = try ScratchDataset(
            "vw_swap",
            columns: "id INT NOT NULL PRIMARY KEY, created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL, "
                + "total DECIMAL(12,2) NOT NULL",
            dataset: "sales"
        )
        try dataset.admin(
            """
            INSERT INTO $T SELECT n, TIMESTAMPADD(MINUTE, n * 53, '2024-03-01'), NOW(6), (n * 7919) % 100000 / 100 - 300
            FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_1_to_1500) AS s
            """
        )
        try dataset.configure(
            """
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            row_group_granularity = "day"
            """
        )
        try Self.publish(dataset)
        let server = try ViewerServer(publishing: dataset.publicDirectory)
        let (from, to) = ("2024-03-10", "2024-04-05")

        // Changes inside the range, published while the first view is between its index and
        // its first Parquet byte: rows gain a cent, new rows arrive.
        try dataset.admin(
            """
            UPDATE $T SET total = total + 0.01, updated_at = NOW(6)
              WHERE created_at >= '2024-03-12' AND created_at < '2024-03-20';
            INSERT INTO $T SELECT 100000 + seq, TIMESTAMPADD(MINUTE, seq * 7, '2024-03-15'), NOW(6), 1000 + seq
              FROM seq_1_to_50;
            """
        )
        let query = "?dataset=sales&from=\(from)&to=\(to)&sum=total"
        let refresh = [try PublisherBinary.path(), "refresh", "--config", dataset.configPath]
        let results = try ViewerBrowser.run(
            [
                ViewerBrowser.View(id: "during", query: query, holdParquetAndRun: refresh),
                ViewerBrowser.View(id: "after", query: query),
            ],
            base: server.url,
            scratch: dataset.scratch
        )
        let during = try #require(results["during"])
        let after = try #require(results["after"])
        #expect(during.held?.status == 0, "the publish in mid-view failed: \(during.held?.stderr ?? "it did not run")")
        #expect(
            during.ready == "true" && after.ready == "true",
            "\(during.report?.error ?? "") \(after.report?.error ?? "")"
        )

        let folder = { (version: Int) in dataset.directory.versionPath(version) }
        let indexes = try [1, 2].map { try dataset.index(atVersionPath: folder($0)) }
        let checks = indexes.map { index in
            ViewerExpectations.Check(
                id: "v\(index.version)",
                files: index.files.map { folder(index.version) + "/" + $0.path },
                partitionBy: "created_at",
                from: from,
                to: to,
                sum: "total",
                shown: [],
                selected: []
            )
        }
        let expected = try ViewerExpectations.run(checks, scratch: dataset.scratch)
        let old = try #require(expected["v1"])
        let new = try #require(expected["v2"])
        #expect(old.rows != new.rows && old.sum != new.sum, "the publish changed nothing in range")

        let first = try #require(during.report)
        let reported = "v\(first.version ?? 0): \(first.rows ?? -1) rows, sum \(first.sum ?? "null")"
        #expect(
            first.version == 1 && first.rows == old.rows && first.sum == old.sum,
            "the view begun on v1 reported \(reported); v1 has \(old.rows), \(old.sum ?? "null")"
        )
        let second = try #require(after.report)
        #expect(
            second.version == 2 && second.rows == new.rows && second.sum == new.sum,
            "the next view reported v\(second.version ?? 0): \(second.rows ?? -1) rows; v2 has \(new.rows)"
        )
        let parquet = during.requests.filter { $0.url.hasSuffix(".parquet") }
        #expect(!parquet.isEmpty && parquet.allSatisfy { $0.url.contains("/sales/v1/") }, "the first view left v1")
        for result in [during, after] {
            #expect(
                result.requests.filter { $0.url.hasSuffix("/manifest.json") }.count == 1,
                "manifest.json once per view"
            )
            #expect(!result.requests.contains { $0.url.contains("/current/") })
        }
    }

    /// The helpers behind the report, in the page itself, at values the published test data
    /// cannot reach: sums past 64 bits and at unsigned extremes, DECIMAL on 16 bytes, days
    /// before 1970 and at the ends of the calendar, and the range merging rule.
    @Test func theExactnessHelpersHoldAtTheExtremes() throws {
        let empty = try TemporaryDirectory(prefix: "pp-viewer-empty")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: empty.path)
        let server = try ViewerServer(publishing: empty.path)
        let script = """
            async () => {
              const ic = await import('/index-client.js')
              const v = await import('/values.js')
              const kind = (physical_type, logical_type) => v.columnKind({ name: 'c', physical_type, logical_type })
              const sum = (k, values) => { const s = new v.ColumnSum(k); s.addRange(values); return String(s.toString()) }
              const dayOf = v.dayOfValue(kind('INT64', 'TIMESTAMP(MICROS,true)'))
              const be = hex => Uint8Array.from(hex.match(/../g).map(b => parseInt(b, 16)))
              // A range answered short (as Chromium's cache once did): the rest is asked for
              // past the cache, and the bytes come back whole.
              const http = await import('/http.js')
              const file = Uint8Array.from({ length: 100 }, (_, i) => i)
              const calls = []
              const realFetch = globalThis.fetch
              globalThis.fetch = async (url, init) => {
                const [first, last] = init.headers.Range.slice(6).split('-').map(Number)
                calls.push(`${first}-${last}${init.cache ? ' ' + init.cache : ''}`)
                const end = calls.length === 1 ? first + 7 : last + 1
                const headers = { 'Content-Range': `bytes ${first}-${end - 1}/100` }
                return new Response(file.slice(first, end), { status: 206, headers })
              }
              let shortRange
              try {
                const fetcher = new http.Fetcher()
                const got = new Uint8Array(await fetcher.range('/f.parquet', 10, 40))
                const whole = got.length === 30 && got.every((value, i) => value === 10 + i)
                shortRange = `${calls.join(', ')}; ${whole ? 'whole' : 'wrong bytes'}; ${fetcher.requests} requests`
              } finally {
                globalThis.fetch = realFetch
              }
              return {
                firstDay: String(ic.dayNumber('0001-01-01')),
                lastDay: String(ic.dayNumber('9999-12-31T23:59:59.999999')),
                beforeEpoch: String(ic.dayNumber('1969-12-31T23:59:59.999999Z')),
                notADay: String(ic.dayNumber('2023-02-29')),
                leapDay: String(ic.dayNumber('2000-02-29')),
                names: [ic.dayNumber('0001-01-01'), -1, 2932896].map(ic.dayString).join(' '),
                microBeforeEpoch: String(dayOf(-1n)),
                farFuture: String(dayOf(4611686018427387904n)),
                farPast: String(dayOf(-4611686018427387904n)),
                int64: sum(kind('INT64', 'INTEGER(64,true)'), [9223372036854775807n, 9223372036854775807n, -1n, null]),
                uint64: sum(kind('INT64', 'INTEGER(64,false)'), [-1n, -1n]),
                uint32: sum(kind('INT32', 'INTEGER(32,false)'), Int32Array.of(-1, -1, -1)),
                decimal32: sum(kind('INT32', 'DECIMAL(9,2)'), Int32Array.of(-5, 2147483647, -2147483648)),
                decimal16Bytes: sum(kind('FIXED_LEN_BYTE_ARRAY', 'DECIMAL(38,4)'), [
                  be('ffffffffffffffffffffffffffffffff'), be('00000000000000000000000000003039'),
                  be('7fffffffffffffffffffffffffffffff')]),
                noValues: sum(kind('INT64', 'DECIMAL(14,2)'), [null, undefined]),
                double: sum(kind('DOUBLE', null), [0.1, 0.2, 0.3]),
                scaled: v.formatScaled(-5n, 2) + ' ' + v.formatScaled(0n, 3),
                cellUTC: v.formatCell(kind('INT64', 'TIMESTAMP(MICROS,true)'), -1n),
                cellWallClock: v.formatCell(kind('INT64', 'TIMESTAMP(MICROS,false)'), 1715940672500000n),
                cellDate: v.formatCell(kind('INT32', 'DATE'), -719162),
                cellUUID: v.formatCell(kind('FIXED_LEN_BYTE_ARRAY', 'UUID'), be('00112233445566778899aabbccddeeff')),
                shortRange,
                coalesced: JSON.stringify(ic.coalesceRanges([
                  { start: 10000, end: 10100 }, { start: 110, end: 200 }, { start: 0, end: 100 }, { start: 150, end: 160 }])),
              }
            }
            """
        let results = try ViewerBrowser.run(
            [ViewerBrowser.View(id: "helpers", query: "?dataset=none", evaluate: script)],
            base: server.url,
            scratch: empty
        )
        let got = try #require(results["helpers"]?.evaluated)
        let microsPerDay: Int64 = 86_400_000_000
        let expected: [String: String] = [
            "firstDay": String(TestCalendar.days(1, 1, 1)),
            "lastDay": String(TestCalendar.days(9999, 12, 31)),
            "beforeEpoch": "-1",
            "notADay": "null",
            "leapDay": String(TestCalendar.days(2000, 2, 29)),
            "names": "0001-01-01 1969-12-31 9999-12-31",
            "microBeforeEpoch": "-1",
            "farFuture": String((Int64(1) << 62) / microsPerDay),
            "farPast": String(-((Int64(1) << 62) / microsPerDay) - 1),
            "int64": "18446744073709551613",  // 2 (2^63 - 1) - 1
            "uint64": "36893488147419103230",  // 2 (2^64 - 1)
            "uint32": "12884901885",  // 3 (2^32 - 1)
            "decimal32": "-0.06",  // -5 + (2^31 - 1) - 2^31 hundredths
            "decimal16Bytes": "17014118346046923173168730371588411.8071",  // -1 + 12345 + (2^127 - 1), scale 4
            "noValues": "null",
            "double": "0.6",  // compensated: a plain sum gives 0.6000000000000001
            "scaled": "-0.05 0.000",
            "cellUTC": "1969-12-31 23:59:59.999999 UTC",
            "cellWallClock": "2024-05-17 10:11:12.5",
            "cellDate": "0001-01-01",
            "cellUUID": "00112233-4455-6677-8899-aabbccddeeff",
            // A 10-byte gap is read through (under a quarter of the 90 after it), 9800 are not.
            "shortRange": "10-39, 17-39 no-store; whole; 2 requests",
            "coalesced": #"[{"start":0,"end":200},{"start":10000,"end":10100}]"#,
        ]
        for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(got[name] == value, "\(name): \(got[name] ?? "missing"), expected \(value)")
        }
    }

    func fileSize(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }
}
