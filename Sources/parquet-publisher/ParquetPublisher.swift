import ArgumentParser
import Parquet

@main
struct ParquetPublisher: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet-publisher",
        abstract: "Publish MySQL tables as partitioned, indexed ZSTD Parquet for browsers to read.",
        version: ParquetLibrary.version,
        subcommands: [RefreshCommand.self, CheckConfigCommand.self, InspectCommand.self, BenchCommand.self])
}
