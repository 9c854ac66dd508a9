import Foundation
import MySQLSource
import Testing

@testable import Publishing

/// Builds a configuration document from its three parts, each overridable.
func configurationText(
    source: String = """
    host = "127.0.0.1"
    port = 3306
    user = "reader"
    database = "shop"
    """,
    publish: String = """
    directory = "/srv/public"
    state_directory = "/var/lib/pp/state"
    """,
    datasets: [String] = [ordersDataset]
) -> String {
    var text = "[source]\n\(source)\n\n[publish]\n\(publish)\n"
    for dataset in datasets { text += "\n[[dataset]]\n\(dataset)\n" }
    return text
}

let ordersDataset = """
    name = "orders"
    table = "orders"
    primary_key = ["id"]
    updated_at = "updated_at"
    partition_by = "created_at"
    partition_granularity = "month"
    row_group_granularity = "day"
    every = "5m"
    lookback = "48h"
    """

/// The errors `parse` reports for `text`, read from /etc/pp/config.toml; none if it parses.
func configurationErrors(_ text: String, path: String = "/etc/pp/config.toml") -> [ConfigurationError] {
    do {
        _ = try Configuration.parse(text, path: path)
        return []
    } catch let errors as ConfigurationErrors {
        return errors.errors
    } catch {
        Issue.record("unexpected error \(error)")
        return []
    }
}

/// `ordersDataset` with `line` appended (later keys are new ones) or with a key replaced.
func orders(replacing key: String? = nil, with line: String?) -> String {
    var lines = ordersDataset.split(separator: "\n").map(String.init)
    if let key { lines.removeAll { $0.hasPrefix("\(key) =") } }
    if let line { lines.append(line) }
    return lines.joined(separator: "\n")
}

@Suite struct ConfigurationReadsTheDocumentedContract {
    @Test func theIssueExampleParsesWithEveryValue() throws {
        let text = """
            [source]
            host = "127.0.0.1"          # or: socket = "/run/mysqld/mysqld.sock"
            port = 3306
            user = "reader"
            password_file = "/etc/parquet-publisher/mysql-password"   # optional
            database = "shop"           # default schema for `table`

            [publish]
            directory = "/var/lib/parquet-publisher/public"
            state_directory = "/var/lib/parquet-publisher/state"
            keep_versions_for = "1h"

            [[dataset]]
            name = "orders"
            table = "orders"            # or "otherdb.orders"; or query = "SELECT ... FROM ... WHERE ..."
            primary_key = ["id"]        # one or more columns
            updated_at = "updated_at"
            partition_by = "created_at" # a DATE/DATETIME/TIMESTAMP column
            partition_granularity = "month"   # day | month | year | none
            row_group_granularity = "day"     # day | month
            every = "5m"
            lookback = "48h"
            """
        let configuration = try Configuration.parse(text, path: "/etc/parquet-publisher/config.toml")
        #expect(configuration.source.endpoint == .tcp(host: "127.0.0.1", port: 3306))
        #expect(configuration.source.user == "reader")
        #expect(configuration.source.passwordFile == "/etc/parquet-publisher/mysql-password")
        #expect(configuration.source.database == "shop")
        #expect(configuration.publish.directory == "/var/lib/parquet-publisher/public")
        #expect(configuration.publish.stateDirectory == "/var/lib/parquet-publisher/state")
        #expect(configuration.publish.keepVersionsFor == .seconds(3600))
        let orders = try #require(configuration.dataset(named: "orders"))
        #expect(orders.source == .table(schema: nil, name: "orders"))
        #expect(orders.primaryKey == ["id"])
        #expect(orders.updatedAt == "updated_at")
        #expect(orders.partitionBy == "created_at")
        #expect(orders.partitionGranularity == .month)
        #expect(orders.rowGroupGranularity == .day)
        #expect(orders.every == .seconds(300))
        #expect(orders.lookback == .seconds(48 * 3600))
    }

    @Test func optionalKeysTakeTheirDocumentedDefaults() throws {
        let configuration = try Configuration.parse(
            configurationText(datasets: [
                """
                name = "sellers"
                table = "sellers"
                primary_key = "id"
                every = "1h"
                """
            ]),
            path: "/etc/pp/config.toml"
        )
        #expect(configuration.source.tls == TLSOptions(mode: .preferred))
        #expect(configuration.source.connectTimeout == .seconds(10))
        #expect(configuration.source.readTimeout == .seconds(300))
        #expect(configuration.source.optionFile == nil)
        #expect(configuration.publish.keepVersionsFor == .seconds(3600))
        #expect(configuration.publish.compressionLevel == 3)
        #expect(configuration.publish.metricsFile == nil)
        #expect(configuration.publish.maxConcurrentRefreshes == 1)
        let sellers = configuration.datasets[0]
        #expect(sellers.primaryKey == ["id"])
        #expect(sellers.columns == nil)
        #expect(sellers.updatedAt == nil)
        #expect(sellers.partitionBy == nil)
        #expect(sellers.partitionGranularity == .none)
        #expect(sellers.rowGroupGranularity == nil)
        #expect(sellers.lookback == .seconds(48 * 3600))
        #expect(sellers.maxRowsPerRowGroup == 1_000_000)
        #expect(sellers.reconcileEvery == .seconds(86400))
        #expect(sellers.deletedColumn == nil)
        #expect(sellers.compressionLevel == 3)
        #expect(sellers.refreshTimeout == .seconds(1800))
    }

    @Test func partitionByAloneDefaultsToMonthPartitionsOfDailyRowGroups() throws {
        let configuration = try Configuration.parse(
            configurationText(datasets: [
                """
                name = "orders"
                table = "orders"
                primary_key = ["id"]
                partition_by = "created_at"
                every = "5m"
                """
            ]),
            path: "/etc/pp/config.toml"
        )
        #expect(configuration.datasets[0].partitionGranularity == .month)
        #expect(configuration.datasets[0].rowGroupGranularity == .day)
    }

    @Test func everyKeySetExplicitlyIsRead() throws {
        let text = configurationText(
            source: """
                socket = "/run/mysqld/mysqld.sock"
                user = "reader"
                password_file = "secret"
                option_file = "/etc/pp/my.cnf"
                database = "shop"
                ssl_mode = "verify_identity"
                ssl_ca = "/etc/ssl/ca.pem"
                ssl_cert = "tls/client.pem"
                ssl_key = "tls/client.key"
                connect_timeout = "5s"
                read_timeout = "2m"
                """,
            publish: """
                directory = "public"
                state_directory = "../state"
                keep_versions_for = "2h"
                compression_level = 9
                metrics_file = "/var/lib/node_exporter/pp.prom"
                max_concurrent_refreshes = 2
                """,
            datasets: [
                """
                name = "order_lines-2"
                table = "otherdb.order_lines"
                columns = ["id", "order_id", "created_at", "updated_at", "deleted_at", "total"]
                primary_key = ["order_id", "id"]
                updated_at = "updated_at"
                partition_by = "created_at"
                partition_granularity = "year"
                row_group_granularity = "month"
                every = "90s"
                lookback = "1h30m"
                max_rows_per_row_group = 250000
                reconcile_every = "12h"
                deleted_column = "deleted_at"
                compression_level = 12
                refresh_timeout = "10m"
                """,
                """
                name = "big_sellers"
                query = "SELECT s.id, s.name FROM sellers s WHERE s.offers > 100"
                primary_key = ["id"]
                every = "1d"
                lookback = "0s"
                """,
            ]
        )
        let configuration = try Configuration.parse(text, path: "/etc/pp/config.toml")
        let source = configuration.source
        #expect(source.endpoint == .socket(path: "/run/mysqld/mysqld.sock"))
        #expect(source.passwordFile == "/etc/pp/secret")
        #expect(source.optionFile == "/etc/pp/my.cnf")
        #expect(
            source.tls
                == TLSOptions(
                    mode: .verifyIdentity,
                    ca: "/etc/ssl/ca.pem",
                    cert: "/etc/pp/tls/client.pem",
                    key: "/etc/pp/tls/client.key"
                )
        )
        #expect(source.connectTimeout == .seconds(5))
        #expect(source.readTimeout == .seconds(120))
        let publish = configuration.publish
        #expect(publish.directory == "/etc/pp/public")
        #expect(publish.stateDirectory == "/etc/state")
        #expect(publish.keepVersionsFor == .seconds(7200))
        #expect(publish.compressionLevel == 9)
        #expect(publish.metricsFile == "/var/lib/node_exporter/pp.prom")
        #expect(publish.maxConcurrentRefreshes == 2)
        let lines = configuration.datasets[0]
        #expect(lines.name == "order_lines-2")
        #expect(lines.source == .table(schema: "otherdb", name: "order_lines"))
        #expect(lines.columns == ["id", "order_id", "created_at", "updated_at", "deleted_at", "total"])
        #expect(lines.primaryKey == ["order_id", "id"])
        #expect(lines.partitionGranularity == .year)
        #expect(lines.rowGroupGranularity == .month)
        #expect(lines.every == .seconds(90))
        #expect(lines.lookback == .seconds(5400))
        #expect(lines.maxRowsPerRowGroup == 250_000)
        #expect(lines.reconcileEvery == .seconds(12 * 3600))
        #expect(lines.deletedColumn == "deleted_at")
        #expect(lines.compressionLevel == 12)
        #expect(lines.refreshTimeout == .seconds(600))
        let sellers = configuration.datasets[1]
        #expect(sellers.source == .query("SELECT s.id, s.name FROM sellers s WHERE s.offers > 100"))
        #expect(sellers.compressionLevel == 9, "the dataset inherits publish.compression_level")
        #expect(sellers.lookback == .zero)
        #expect(sellers.every == .seconds(86400))
    }

    @Test func relativePathsResolveAgainstTheConfigurationFilesFolder() throws {
        let configuration = try Configuration.parse(
            configurationText(
                publish: """
                    directory = "./out/public"
                    state_directory = "state"
                    """
            ),
            path: "/opt/pp/conf/config.toml"
        )
        #expect(configuration.publish.directory == "/opt/pp/conf/out/public")
        #expect(configuration.publish.stateDirectory == "/opt/pp/conf/state")
    }

    @Test func aRelativeConfigurationPathResolvesAgainstTheWorkingDirectory() throws {
        let configuration = try Configuration.parse(
            configurationText(
                publish: """
                    directory = "public"
                    state_directory = "state"
                    """
            ),
            path: "config.toml"
        )
        let cwd = FileManager.default.currentDirectoryPath
        #expect(configuration.publish.directory == PathResolution.normalize(cwd + "/public"))
    }

    @Test func loadReadsTheFile() throws {
        let folder = ScratchDirectory()
        let path = folder.write("config.toml", configurationText())
        let configuration = try Configuration.load(contentsOf: path)
        #expect(configuration.datasets.map(\.name) == ["orders"])
        #expect(configuration.file == path)
    }
}

@Suite struct ConfigurationErrorsNameTheKeyToFix {
    @Test func aBadDurationNamesTheDatasetAndKey() throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(replacing: "every", with: "every = \"5 minutes\"")]),
            path: "config.toml"
        )
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.code == .invalidValue)
        #expect(error.key == "dataset[orders].every")
        #expect(error.dataset == "orders")
        #expect(
            error.description
                == """
                config.toml: dataset \"orders\": key \"every\": \"5 minutes\" is not a duration (use 90s, 5m, \
                48h, 1h30m)
                """
        )
    }

    @Test func aDurationWrittenAsANumberSuggestsAUnit() throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(replacing: "lookback", with: "lookback = 3600")])
        )
        let error = try #require(errors.first)
        #expect(error.code == .wrongType)
        #expect(error.key == "dataset[orders].lookback")
        #expect(error.message.contains("\"3600s\""))
    }

    @Test func everyMustBeGreaterThanZero() throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(replacing: "every", with: "every = \"0s\"")])
        )
        #expect(errors.map(\.key) == ["dataset[orders].every"])
        #expect(errors.first?.message.contains("greater than zero") == true)
    }

    @Test func withoutEveryADatasetRefreshesEveryFiveMinutes() throws {
        let configuration = try Configuration.parse(
            configurationText(datasets: [orders(replacing: "every", with: nil)]),
            path: "/etc/pp/config.toml"
        )
        #expect(configuration.datasets[0].every == .seconds(300))
    }

    @Test func aDatasetWithNeitherTableNorQueryIsAnError() throws {
        let errors = configurationErrors(configurationText(datasets: [orders(replacing: "table", with: nil)]))
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.code == .missingKey)
        #expect(error.key == "dataset[orders].table")
        #expect(error.message.contains("query"))
    }

    @Test func aDatasetWithBothTableAndQueryIsAnError() throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(with: "query = \"SELECT * FROM orders\"")])
        )
        #expect(errors.map(\.code) == [.conflict])
        #expect(errors.map(\.key) == ["dataset[orders].query"])
    }

    @Test func anUnknownKeySuggestsTheClosestKnownOne() throws {
        let errors = configurationErrors(configurationText(datasets: [orders(with: "evrey = \"5m\"")]))
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.code == .unknownKey)
        #expect(error.key == "dataset[orders].evrey")
        #expect(error.description.hasSuffix("dataset \"orders\": key \"evrey\": unknown key; did you mean \"every\"?"))
    }

    @Test(arguments: [
        ("keep_version_for = \"1h\"", "publish.keep_version_for", "keep_versions_for"),
        ("compresion_level = 4", "publish.compresion_level", "compression_level"),
        ("state_dir = \"/x\"", "publish.state_dir", "state_directory"),
    ])
    func unknownKeysInPublishAreSuggested(line: String, key: String, suggestion: String) throws {
        let errors = configurationErrors(
            configurationText(
                publish: """
                    directory = "/srv/public"
                    state_directory = "/var/lib/pp/state"
                    \(line)
                    """
            )
        )
        #expect(errors.map(\.key) == [key])
        #expect(errors.first?.message == "unknown key; did you mean \"\(suggestion)\"?")
    }

    @Test func anUnknownKeyWithNothingCloseListsTheKnownKeys() throws {
        let errors = configurationErrors(
            configurationText(
                source: """
                    user = "reader"
                    database = "shop"
                    colour = "blue"
                    """
            )
        )
        #expect(errors.map(\.key) == ["source.colour"])
        #expect(errors.first?.message.contains("known keys are host, socket, port") == true)
    }

    @Test func anUnknownTopLevelTableIsReported() throws {
        let errors = configurationErrors(configurationText() + "\n[sources]\nhost = \"x\"\n")
        #expect(errors.map(\.key) == ["sources"])
        #expect(errors.first?.message == "unknown key; did you mean \"source\"?")
    }

    @Test(arguments: ["weekly", "Month", "days"])
    func anUnknownPartitionGranularityListsTheValues(value: String) throws {
        let errors = configurationErrors(
            configurationText(datasets: [
                orders(replacing: "partition_granularity", with: "partition_granularity = \"\(value)\"")
            ])
        )
        #expect(errors.map(\.key) == ["dataset[orders].partition_granularity"])
        #expect(errors.first?.message == "\"\(value)\" is not one of \"day\", \"month\", \"year\", \"none\"")
    }

    @Test func anUnknownRowGroupGranularityListsTheValues() throws {
        let errors = configurationErrors(
            configurationText(datasets: [
                orders(replacing: "row_group_granularity", with: "row_group_granularity = \"hour\"")
            ])
        )
        #expect(errors.map(\.key) == ["dataset[orders].row_group_granularity"])
        #expect(errors.first?.message == "\"hour\" is not one of \"day\", \"month\"")
    }

    @Test(arguments: [
        ("day", "day", true), ("month", "day", true), ("month", "month", true), ("year", "day", true),
        ("year", "month", true), ("none", "day", true), ("none", "month", true), ("day", "month", false),
    ])
    func rowGroupsMustBeAsFineAsPartitionsOrFiner(partitions: String, rowGroups: String, valid: Bool) throws {
        let dataset = orders(replacing: "partition_granularity", with: "partition_granularity = \"\(partitions)\"")
        let text = configurationText(datasets: [
            dataset.replacingOccurrences(
                of: "row_group_granularity = \"day\"",
                with: "row_group_granularity = \"\(rowGroups)\""
            )
        ])
        let errors = configurationErrors(text)
        if valid {
            #expect(errors.isEmpty)
        } else {
            #expect(errors.map(\.key) == ["dataset[orders].row_group_granularity"])
            #expect(errors.first?.code == .conflict)
        }
    }

    @Test func granularitiesWithoutPartitionByAreErrors() throws {
        let dataset = orders(replacing: "partition_by", with: nil)
        let errors = configurationErrors(configurationText(datasets: [dataset]))
        #expect(
            errors.map(\.key) == ["dataset[orders].partition_granularity", "dataset[orders].row_group_granularity"]
        )
        #expect(errors.allSatisfy { $0.code == .conflict })
    }

    @Test func duplicateDatasetNamesAreErrors() throws {
        let errors = configurationErrors(configurationText(datasets: [ordersDataset, ordersDataset]))
        #expect(errors.map(\.code) == [.duplicate])
        #expect(errors.first?.key == "dataset[orders].name")
        #expect(errors.first?.message == "dataset #2 has the same name as dataset #1")
    }

    @Test(arguments: ["../etc", "orders.v2", "orders v2", "ordres/x", "", "ö"])
    func datasetNamesMustBeSafePathComponents(name: String) throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(replacing: "name", with: "name = \"\(name)\"")])
        )
        #expect(errors.count == 1)
        #expect(errors.first?.key == "dataset[#1].name")
        #expect(errors.first?.dataset == "#1")
    }

    @Test func aDatasetWithoutANameIsNamedByItsPosition() throws {
        let errors = configurationErrors(
            configurationText(datasets: [ordersDataset, orders(replacing: "name", with: nil)])
        )
        #expect(errors.map(\.key) == ["dataset[#2].name"])
        #expect(errors.first?.description == "/etc/pp/config.toml: dataset \"#2\": key \"name\": missing")
    }

    @Test func primaryKeyMustNameAtLeastOneColumn() throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(replacing: "primary_key", with: "primary_key = []")])
        )
        #expect(errors.map(\.key) == ["dataset[orders].primary_key"])
        let missing = configurationErrors(configurationText(datasets: [orders(replacing: "primary_key", with: nil)]))
        #expect(missing.map(\.code) == [.missingKey])
    }

    @Test func primaryKeyColumnsAreNotRepeated() throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(replacing: "primary_key", with: "primary_key = [\"id\", \"id\"]")])
        )
        #expect(errors.map(\.key) == ["dataset[orders].primary_key"])
        #expect(errors.first?.message == "\"id\" is listed twice")
    }

    @Test func aProjectionMustKeepTheKeyAndPartitionColumns() throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(with: "columns = [\"total\", \"updated_at\"]")])
        )
        #expect(errors.map(\.key) == ["dataset[orders].columns", "dataset[orders].columns"])
        #expect(
            errors.map(\.message) == [
                "must include the primary key column \"id\"", "must include the partition_by column \"created_at\"",
            ]
        )
    }

    @Test func columnsDoNotApplyToAQuery() throws {
        let dataset = """
            name = "q"
            query = "SELECT id FROM t"
            columns = ["id"]
            primary_key = ["id"]
            every = "5m"
            """
        let errors = configurationErrors(configurationText(datasets: [dataset]))
        #expect(errors.map(\.key) == ["dataset[q].columns"])
        #expect(errors.first?.code == .conflict)
    }

    @Test func aQueryIsOneSelectWithoutSemicolon() throws {
        func dataset(_ query: String) -> String {
            "name = \"q\"\nquery = \"\(query)\"\nprimary_key = [\"id\"]\nevery = \"5m\""
        }
        #expect(
            configurationErrors(configurationText(datasets: [dataset("SELECT id FROM t;")])).map(\.key) == [
                "dataset[q].query"
            ]
        )
        #expect(
            configurationErrors(configurationText(datasets: [dataset("DELETE FROM t")])).map(\.key) == [
                "dataset[q].query"
            ]
        )
        #expect(configurationErrors(configurationText(datasets: [dataset("  select id from t ")])).isEmpty)
    }

    @Test func aTableWithoutSchemaNeedsTheSourceDatabase() throws {
        let errors = configurationErrors(configurationText(source: "user = \"reader\""))
        #expect(errors.map(\.key) == ["dataset[orders].table"])
        let qualified = configurationText(
            source: "user = \"reader\"",
            datasets: [orders(replacing: "table", with: "table = \"shop.orders\"")]
        )
        #expect(configurationErrors(qualified).isEmpty)
    }

    @Test func aMalformedTableNameIsAnError() throws {
        let errors = configurationErrors(
            configurationText(datasets: [orders(replacing: "table", with: "table = \"shop.\"")])
        )
        #expect(errors.map(\.key) == ["dataset[orders].table"])
    }

    @Test func compressionLevelsAreZstdLevels() throws {
        let errors = configurationErrors(
            configurationText(
                publish: "directory = \"/p\"\nstate_directory = \"/s\"\ncompression_level = 0",
                datasets: [orders(with: "compression_level = 23")]
            )
        )
        #expect(errors.map(\.key) == ["publish.compression_level", "dataset[orders].compression_level"])
        #expect(errors.first?.message == "0 is out of range: must be between 1 and 22")
    }

    @Test func theStateDirectoryMayNotBePublic() throws {
        let errors = configurationErrors(
            configurationText(publish: "directory = \"/srv/public\"\nstate_directory = \"/srv/public/state\"")
        )
        #expect(errors.map(\.key) == ["publish.state_directory"])
        #expect(errors.first?.code == .conflict)
    }

    @Test func missingTablesAreReported() throws {
        let errors = configurationErrors("[source]\nuser = \"r\"\n")
        #expect(errors.map(\.key) == ["publish", "dataset"])
        #expect(errors.map(\.code) == [.missingKey, .missingKey])
    }

    @Test func aSingleDatasetTableSaysToUseDoubleBrackets() throws {
        let text = configurationText(datasets: []) + "\n[dataset]\n" + ordersDataset
        let errors = configurationErrors(text)
        #expect(errors.map(\.key) == ["dataset"])
        #expect(errors.first?.message.contains("[[dataset]]") == true)
    }

    @Test func wrongValueTypesSayWhatWasExpected() throws {
        let errors = configurationErrors(
            configurationText(
                source: """
                    host = "db"
                    port = "3306"
                    user = 42
                    database = "shop"
                    """
            )
        )
        #expect(errors.map(\.key) == ["source.port", "source.user"])
        #expect(
            errors.map(\.message) == ["expected an integer, found \"3306\"", "expected a string, found integer 42"]
        )
    }

    @Test func portsAreInRange() throws {
        let errors = configurationErrors(configurationText(source: "port = 70000\nuser = \"r\"\ndatabase = \"shop\""))
        #expect(errors.map(\.key) == ["source.port"])
    }

    @Test func hostAndSocketAreExclusive() throws {
        let errors = configurationErrors(
            configurationText(source: "host = \"db\"\nsocket = \"/run/mysqld.sock\"\nuser = \"r\"\ndatabase = \"shop\"")
        )
        #expect(errors.map(\.key) == ["source.socket"])
        #expect(errors.first?.code == .conflict)
    }

    @Test func tlsCertificateAndKeyGoTogether() throws {
        let errors = configurationErrors(
            configurationText(source: "user = \"r\"\ndatabase = \"shop\"\nssl_cert = \"/c.pem\"")
        )
        #expect(errors.map(\.key) == ["source.ssl_key"])
        let disabled = configurationErrors(
            configurationText(
                source: "user = \"r\"\ndatabase = \"shop\"\nssl_mode = \"disabled\"\nssl_ca = \"/ca.pem\""
            )
        )
        #expect(disabled.map(\.key) == ["source.ssl_ca"])
        let unknownMode = configurationErrors(
            configurationText(source: "user = \"r\"\ndatabase = \"shop\"\nssl_mode = \"VERIFY_CA\"")
        )
        #expect(unknownMode.map(\.key) == ["source.ssl_mode"])
    }

    @Test func timeoutsAreAtLeastOneSecond() throws {
        let errors = configurationErrors(
            configurationText(source: "user = \"r\"\ndatabase = \"shop\"\nread_timeout = \"500ms\"")
        )
        #expect(errors.map(\.key) == ["source.read_timeout"])
        #expect(errors.first?.message == "\"500ms\" is too short: must be at least 1s")
    }

    @Test func everyErrorIsReportedNotOnlyTheFirst() throws {
        let text = configurationText(
            source: "user = \"reader\"\ndatabase = \"shop\"\nprot = 3306",
            publish: "directory = \"/srv/public\"",
            datasets: [
                orders(replacing: "every", with: "every = \"soon\""),
                """
                name = "offers"
                table = "offers"
                query = "SELECT 1"
                primary_key = ["id"]
                every = "5m"
                """,
            ]
        )
        let errors = configurationErrors(text)
        #expect(
            errors.map(\.key) == [
                "source.prot", "publish.state_directory", "dataset[orders].every", "dataset[offers].query",
            ]
        )
        let combined = ConfigurationErrors(errors).description
        #expect(combined.split(separator: "\n").count == 4)
    }

    @Test func syntaxErrorsCarryTheirPosition() throws {
        let errors = configurationErrors("[source]\nuser = \"reader\nport = 1\n", path: "bad.toml")
        let error = try #require(errors.first)
        #expect(error.code == .syntax)
        #expect(error.line == 2)
        #expect(error.description.hasPrefix("bad.toml:2:"))
    }

    @Test func anUnreadableFileNamesTheFileAndErrno() throws {
        let folder = ScratchDirectory()
        do {
            _ = try Configuration.load(contentsOf: folder.file("absent.toml"))
            Issue.record("loaded")
        } catch let errors as ConfigurationErrors {
            #expect(errors.errors.count == 1)
            #expect(errors.errors[0].code == .unreadable)
            #expect(errors.description.contains("absent.toml"))
            #expect(errors.description.contains("No such file or directory (errno 2)"))
        }
    }

    @Test func theSourceDescriptionHasNoSecret() throws {
        let configuration = try Configuration.parse(
            configurationText(source: "user = \"reader\"\ndatabase = \"shop\"\npassword_file = \"/run/pw\""),
            path: "/c.toml"
        )
        #expect(configuration.source.description == "reader@127.0.0.1:3306/shop (password from /run/pw; tls preferred)")
    }
}
