import ArgumentParser
import Foundation
import Parquet

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures for `make bench-*` to compare against peers.",
        subcommands: [BenchEncodeCommand.self, BenchFetchCommand.self, BenchRollupCommand.self]
    )
}

struct BenchEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract:
            """
            Encode a synthetic orders table; the last line printed is a JSON object with rows, bytes and \
            encode_seconds.
            """
    )

    @Option(help: "Rows of the synthetic orders table.")
    var rows: Int = 1_000_000

    @Option(help: "Write the file here (default: a temporary file, removed afterwards).")
    var out: String?

    @Option(help: "ZSTD level; 0 writes uncompressed pages.")
    var level: Int32 = 3

    @Option(help: "Rows per row group.")
    var rowGroupRows: Int = 1_000_000

    @Flag(help: "Disable DELTA_BINARY_PACKED (to measure what it brings).")
    var noDelta = false

    @Option(help: "Threads encoding a row group's columns.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let generationStart = DispatchTime.now()
        let table = SyntheticOrders.generate(rows: rows)
        let generationSeconds = Self.seconds(since: generationStart)

        let path =
            out
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("bench-encode-\(getpid()).parquet").path
        var options = ParquetWriterOptions()
        options.compression = level == 0 ? .uncompressed : .zstd(level: level)
        options.maxRowGroupRows = rowGroupRows
        options.enableDeltaEncoding = !noDelta
        options.encodingThreads = threads

        let start = DispatchTime.now()
        let writer = try ParquetFileWriter(path: path, schema: table.schema, options: options)
        try writer.write(table)
        let summary = try writer.close()
        let encodeSeconds = Self.seconds(since: start)
        if out == nil { try? FileManager.default.removeItem(atPath: path) }

        let result: [String: Any] = [
            "rows": rows,
            "bytes": summary.bytes,
            "row_groups": summary.rowGroups.count,
            "encode_seconds": (encodeSeconds * 1000).rounded() / 1000,
            "rows_per_second": Int(Double(rows) / encodeSeconds),
            "generate_seconds": (generationSeconds * 1000).rounded() / 1000,
            "max_rss_mb": Self.maxResidentMegabytes(),
            "path": out ?? "",
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    static func maxResidentMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
