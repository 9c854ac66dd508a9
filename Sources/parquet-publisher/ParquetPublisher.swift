import ArgumentParser
import Parquet

@main
struct ParquetPublisher: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet-publisher",
        abstract: "Publish MySQL tables as partitioned, indexed ZSTD Parquet for browsers to read.",
        version: ParquetLibrary.version,
        subcommands: [RunCommand.self, RefreshCommand.self, StatusCommand.self, CheckConfigCommand.self, InspectCommand.self, BenchCommand.self])
}
