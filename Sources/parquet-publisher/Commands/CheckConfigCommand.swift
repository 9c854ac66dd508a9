import ArgumentParser
import Foundation
import Logging
import MySQLSource
import Parquet
import Publishing
import Rollups

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract:
            "Validate a configuration file and, with the database reachable, every table, column and type it names."
    )

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    @Flag(help: "Check the file only; do not connect to the database.")
    var offline = false

    func run() throws {
        let logger = CommandLogging.bootstrap(label: "parquet-publisher.check-config")
        let configuration = try CommandLogging.loadConfiguration(config)
        let rollups =
            configuration.rollups.isEmpty
            ? "" : ", \(configuration.rollups.count) rollup\(configuration.rollups.count == 1 ? "" : "s")"
        print("\(configuration.file): syntax and keys ok, \(configuration.datasets.count) datasets\(rollups)")
        try Self.checkTargets(configuration)
        guard !offline else { return }
        let connector = try CommandLogging.connector(for: configuration, logger: logger)
        let connection: MySQLConnection
        do {
            connection = try connector.connect()
        } catch {
            FileHandle.standardError.write(Data("\(configuration.file): [source]: cannot connect: \(error)\n".utf8))
            throw ExitCode.failure
        }
        defer { connection.close() }
        var errors: [String] = []
        var plans: [String: DatasetPlan] = [:]
        for dataset in configuration.datasets {
            do {
                let plan = try DatasetPlan.describe(dataset, on: connection)
                plans[dataset.name] = plan
                print(
                    """
                    dataset \"\(dataset.name)\": ok, \(plan.columns.count) columns \
                    (\(plan.columns.map { "\($0.name) \($0.mysqlType)" }.joined(separator: ", ")))
                    """
                )
            } catch let error as PublishingError where error.dataset != nil {
                // Its description names the dataset already.
                errors.append("\(configuration.file): \(error)")
            } catch {
                errors.append("\(configuration.file): dataset \"\(dataset.name)\": \(error)")
            }
        }
        // Rollups against their base's columns: unknown columns, sum over text, where types.
        for rollup in configuration.rollups {
            guard let plan = plans[rollup.from] else { continue }
            do {
                let resolved = try RollupPlan(
                    rollup: rollup,
                    base: plan.dataset,
                    schema: plan.schema,
                    mysqlTypes: Dictionary(
                        plan.columns.map { ($0.name, $0.mysqlType) },
                        uniquingKeysWith: { a, _ in a }
                    )
                )
                print(
                    "rollup \"\(rollup.name)\": ok, \(resolved.outputSchema.columns.count) columns (\(resolved.outputSchema.columns.map(\.name).joined(separator: ", ")))"
                )
            } catch {
                errors.append("\(configuration.file): \(error)")
            }
        }
        guard errors.isEmpty else {
            for error in errors { FileHandle.standardError.write(Data((error + "\n").utf8)) }
            throw ExitCode(1)
        }
    }
}
