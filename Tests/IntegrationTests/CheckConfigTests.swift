import Foundation
import Publishing
import TestSupport
import Testing

/// One broken configuration: what to put in the dataset (or publish) table, and what the
/// message must name.
struct ConfigProblem: Sendable, CustomTestStringConvertible {
    var name: String
    /// The [[dataset]] keys after name and table; `$TABLE` is the scratch table.
    var datasetKeys: String
    var publishKeys = "keep_versions_for = \"1h\""
    /// Overrides `table = ...`.
    var table: String?
    /// Every one of these must appear in the output.
    var mentions: [String]

    var testDescription: String { name }

    static let all: [ConfigProblem] = [
        // Regression (was a bug, fixed): the message names the dataset and the table but not the key "table" (the
        // MySQLError from describeTable reaches check-config unwrapped).
        ConfigProblem(
            name: "a missing table",
            datasetKeys: "primary_key = \"id\"",
            table: "no_such_table_here",
            mentions: ["dataset \"orders\"", "key \"table\"", "no_such_table_here"]
        ),
        ConfigProblem(
            name: "a missing primary_key column",
            datasetKeys: "primary_key = [\"id\", \"shop\"]",
            mentions: ["dataset \"orders\"", "key \"primary_key\"", "\"shop\""]
        ),
        ConfigProblem(
            name: "a missing partition_by column",
            datasetKeys: "primary_key = \"id\"\npartition_by = \"placed_at\"",
            mentions: ["dataset \"orders\"", "key \"partition_by\"", "\"placed_at\""]
        ),
        ConfigProblem(
            name: "a missing updated_at column",
            datasetKeys: "primary_key = \"id\"\nupdated_at = \"modified\"",
            mentions: ["dataset \"orders\"", "key \"updated_at\"", "\"modified\""]
        ),
        ConfigProblem(
            name: "a missing column in columns",
            datasetKeys: "primary_key = \"id\"\ncolumns = [\"id\", \"total\", \"colour\"]",
            mentions: ["dataset \"orders\"", "key \"columns\"", "\"colour\""]
        ),
        ConfigProblem(
            name: "a partition column that is not a date",
            datasetKeys: "primary_key = \"id\"\npartition_by = \"note\"",
            mentions: ["dataset \"orders\"", "key \"partition_by\"", "\"note\""]
        ),
        ConfigProblem(
            name: "a bad duration",
            datasetKeys: "primary_key = \"id\"\nevery = \"5 minutes\"",
            mentions: ["dataset \"orders\"", "key \"every\"", "5 minutes"]
        ),
        ConfigProblem(
            name: "a bad keep_versions_for",
            datasetKeys: "primary_key = \"id\"",
            publishKeys: "keep_versions_for = \"forever\"",
            mentions: ["key \"publish.keep_versions_for\"", "forever"]
        ),
        ConfigProblem(
            name: "an unknown key",
            datasetKeys: "primary_key = \"id\"\npartiton_by = \"created_at\"",
            mentions: ["dataset \"orders\"", "key \"partiton_by\"", "unknown key", "partition_by"]
        ),
    ]
}

@Suite("check-config names the key and dataset that are wrong", .requiresMySQL)
struct CheckConfigNamesWhatIsWrong {
    func makeDataset(_ prefix: String = "check", extra: String = "") throws -> ScratchDataset {
        try ScratchDataset(
            prefix,
            columns: """
                id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, updated_at DATETIME(6) NULL,
                total DECIMAL(12,2) NOT NULL, note VARCHAR(20) NULL\(extra)
                """,
            dataset: "orders"
        )
    }

    /// Writes config.toml by hand (check-config must see the file as a user wrote it).
    func write(_ dataset: ScratchDataset, table: String, datasetKeys: String, publishKeys: String) throws {
        let every = datasetKeys.contains("every") ? "" : "\nevery = \"5m\""
        let toml = """
            \(try dataset.sourceSection())

            [publish]
            directory = "\(dataset.publicDirectory)"
            state_directory = "\(dataset.stateDirectory)"
            \(publishKeys)

            [[dataset]]
            name = "orders"
            table = "\(table)"
            \(datasetKeys)\(every)

            """
        try toml.write(toFile: dataset.configPath, atomically: true, encoding: .utf8)
    }

    func checkConfig(_ dataset: ScratchDataset) throws -> ProcessResult {
        try PublisherBinary.run(["check-config", "--config", dataset.configPath])
    }

    @Test func aGoodConfigurationPasses() throws {
        let dataset = try makeDataset()
        try write(
            dataset,
            table: dataset.table,
            datasetKeys: """
                primary_key = "id"
                updated_at = "updated_at"
                partition_by = "created_at"
                partition_granularity = "month"
                columns = ["id", "created_at", "updated_at", "total"]
                """,
            publishKeys: "keep_versions_for = \"90s\""
        )
        let run = try checkConfig(dataset)
        #expect(run.status == 0, "\(run.output)\(run.errorOutput)")
        #expect(run.output.contains("dataset \"orders\": ok, 4 columns"), "\(run.output)")
    }

    @Test(arguments: ConfigProblem.all)
    func aBrokenConfigurationFailsNamingTheKey(_ problem: ConfigProblem) throws {
        let dataset = try makeDataset()
        try write(
            dataset,
            table: problem.table ?? dataset.table,
            datasetKeys: problem.datasetKeys,
            publishKeys: problem.publishKeys
        )
        let run = try checkConfig(dataset)
        let output = run.output + run.errorOutput
        #expect(run.status != 0, "check-config accepted \(problem.name): \(output)")
        for mention in problem.mentions {
            #expect(output.contains(mention), "the message for \(problem.name) does not name \(mention): \(output)")
        }
        #expect(!output.contains(dataset.server.reader.password), "the password is in the output")
        // BUG (missing columns, a partition column that is not a date): check-config prefixes
        // `dataset "orders": ` to a PublishingError whose description starts with it already.
        #expect(!output.contains("dataset \"orders\": dataset \"orders\""), "the dataset is named twice: \(output)")
    }

    @Test(arguments: ["POINT", "GEOMETRY"])
    func anUnsupportedTypeFailsNamingTheColumnAndItsType(_ type: String) throws {
        let dataset = try makeDataset("unsupported", extra: ", location \(type) NULL")
        try write(dataset, table: dataset.table, datasetKeys: "primary_key = \"id\"", publishKeys: "")
        let run = try checkConfig(dataset)
        let output = run.output + run.errorOutput
        #expect(run.status != 0, "check-config accepted a \(type) column: \(output)")
        for mention in ["dataset \"orders\"", "location", type.lowercased()] {
            #expect(output.contains(mention), "the message does not name \(mention): \(output)")
        }
        // Regression (was a bug, fixed): no key is named, though the fix is one: leave the column out with "columns"
        // (the MySQLError from TypeMapping.map reaches check-config unwrapped).
        #expect(output.contains("key \"columns\"") || output.contains("key \"table\""), "no key named: \(output)")
    }

    /// docs/types.md: "Leave the column out of the dataset's columns" — then the table is fine.
    @Test func anUnsupportedColumnLeftOutOfColumnsIsAccepted() throws {
        let dataset = try makeDataset("unsupported_projected", extra: ", location POINT NULL")
        try dataset.admin("INSERT INTO $T VALUES (1, '2024-05-01 10:00:00', NULL, 9.50, 'x', POINT(1, 2))")
        try write(
            dataset,
            table: dataset.table,
            datasetKeys: "primary_key = \"id\"\ncolumns = [\"id\", \"created_at\", \"total\", \"note\"]",
            publishKeys: ""
        )
        // Regression (was a bug, fixed): describing the table maps every column before the projection applies, so the
        // POINT column fails the dataset even though `columns` leaves it out.
        let run = try checkConfig(dataset)
        #expect(run.status == 0, "\(run.output)\(run.errorOutput)")
        let refresh = try PublisherBinary.run(["refresh", "--config", dataset.configPath])
        #expect(refresh.status == 0, "\(refresh.errorOutput)")
    }
}

/// docs/operations.md: an invalid configuration ends a command with status 78 (EX_CONFIG),
/// its errors listed; the command line was right, so there is no usage text.
@Suite struct AnInvalidConfigurationExitsWithEXCONFIG {
    @Test(arguments: [["check-config", "--offline"], ["refresh"], ["status"], ["run"]])
    func everyCommandSaysWhatIsWrongAndExits78(_ command: [String]) throws {
        let scratch = try TemporaryDirectory(prefix: "pp-invalid-config")
        let config = scratch.path + "/config.toml"
        try """
        [source]
        user = "reader"
        database = "shop"

        [publish]
        directory = "public"

        [[dataset]]
        name = "orders"
        table = "orders"
        primary_key = "id"
        evrey = "5m"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try PublisherBinary.run(command + ["--config", config])
        let output = run.output + run.errorOutput
        #expect(run.status == 78, "\(command): \(output)")
        #expect(output.contains("key \"publish.state_directory\": missing"), "\(output)")
        #expect(output.contains("dataset \"orders\": key \"evrey\": unknown key; did you mean \"every\"?"), "\(output)")
        #expect(!output.contains("Usage:"), "\(output)")
        #expect(!output.contains("--help"), "\(output)")
    }
}
