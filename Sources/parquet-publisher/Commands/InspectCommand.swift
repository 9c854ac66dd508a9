import ArgumentParser
import Parquet

/// `parquet-publisher inspect FILE [--json]`: what a Parquet file holds, from its footer.
/// The report itself is built by ``FileInspection`` in the Parquet module.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract:
            "Show a Parquet file's schema, row groups, column chunks (encodings, codec, sizes, statistics) "
            + "and metadata."
    )

    @Argument(help: "The Parquet file to inspect.")
    var file: String

    @Flag(help: "Print one JSON document (snake_case keys in a fixed order) instead of text.")
    var json = false

    func run() throws {
        let reader = try ParquetFileReader(path: file)
        let inspection = FileInspection(reader)
        print(json ? inspection.json : inspection.text, terminator: json ? "\n" : "")
    }
}
