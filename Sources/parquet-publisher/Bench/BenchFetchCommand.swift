import ArgumentParser
import Foundation
import MySQLSource
import Parquet
import Publishing

/// Fetch-only: what `refresh --full` does up to the encoder (the same `SnapshotFetcher`:
/// keyset statements, binary protocol, decoding into column buffers), then the batches are
/// dropped. Set beside the
/// C floor and a full refresh, it tells how much of a snapshot is fetching and how much
/// is encoding.
struct BenchFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract:
            """
            Fetch and decode every row of a dataset, then drop it; the last line printed is a JSON object with rows \
            and seconds.
            """
    )

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    @Option(help: "Rows per keyset statement (default: the dataset's chunk_rows).")
    var chunkRows: Int?

    @Option(help: "Rows per decoded batch.")
    var batchRows: Int = DatasetRefresher.defaultBatchRows

    @Argument(help: "The dataset (default: the first in the configuration).")
    var dataset: String?

    func run() throws {
        let logger = CommandLogging.bootstrap(label: "parquet-publisher.bench")
        let configuration = try CommandLogging.loadConfiguration(config)
        let dataset = try CommandLogging.select(self.dataset.map { [$0] } ?? [], from: configuration)[0]
        let connector = try CommandLogging.connector(for: configuration, logger: logger)
        let connection = try connector.connect()
        defer { connection.close() }
        let plan = try DatasetPlan.describe(dataset, on: connection)
        let start = DispatchTime.now()
        try connection.startReadOnlySnapshot()
        let fetcher = SnapshotFetcher(
            plan: plan,
            connection: connection,
            connector: connector,
            chunkRows: chunkRows ?? dataset.chunkRows,
            batchRows: batchRows,
            logger: logger
        )
        var rows = 0
        try fetcher.run { batch in
            rows += batch.rowCount
            return true
        }
        fetcher.finish()
        try connection.commit()
        let seconds = BenchEncodeCommand.seconds(since: start)
        let result: [String: Any] = [
            "rows": rows,
            "fetch_seconds": (seconds * 1000).rounded() / 1000,
            "rows_per_second": Int(Double(rows) / seconds),
            "max_rss_mb": BenchEncodeCommand.maxResidentMegabytes(),
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
