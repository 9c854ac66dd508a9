import ArgumentParser
import Foundation
import Logging
import Parquet
import Publishing
import Rollups

/// `bench rollup`: one rollup built in full from its base's current version, into a scratch
/// directory (the published one is not touched), timed; what `make bench-rollup` compares
/// with DuckDB's GROUP BY over the same files.
struct BenchRollupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Build a rollup in full from its dataset's published files into a scratch directory; prints JSON."
    )

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    @Option(help: "Scratch directory for the rollup's files (default: a temporary one, removed afterwards).")
    var out: String?

    @Argument(help: "The rollup's name.")
    var rollup: String

    func run() throws {
        let logger = CommandLogging.bootstrap(label: "parquet-publisher.bench")
        var configuration = try CommandLogging.loadConfiguration(config)
        guard let definition = configuration.rollups.first(where: { $0.name == rollup }),
            let base = configuration.dataset(named: definition.from)
        else { throw ValidationError("no rollup named \"\(rollup)\" in \(configuration.file)") }
        let baseVersion = try RollupPublisher.currentBase(of: base, in: configuration)
        let index = baseVersion.index

        let scratch =
            out ?? FileManager.default.temporaryDirectory.appendingPathComponent("bench-rollup-\(getpid())").path
        defer { if out == nil { try? FileManager.default.removeItem(atPath: scratch) } }
        try? FileManager.default.removeItem(atPath: scratch)
        configuration.publish.directory = scratch + "/public"
        configuration.publish.stateDirectory = scratch + "/state"
        configuration.rollups = [definition]
        guard let publisher = RollupPublisher(configuration: configuration, dataset: base.name, logger: logger) else {
            return
        }
        let start = ContinuousClock.now
        let staged = try publisher.stage(for: baseVersion)
        for version in staged { _ = try version.commit(now: Date()) }
        let seconds = Double((ContinuousClock.now - start) / .microseconds(1)) / 1e6
        let result = staged.first?.result
        let object: [String: Any] = [
            "rollup": rollup, "source_version": baseVersion.version, "seconds": seconds, "rows": result?.rows ?? 0,
            "files": result?.files ?? 0, "bytes": result?.bytesWritten ?? 0,
            "base_bytes": index.files.reduce(0) { $0 + $1.bytes }, "base_rows": index.rows,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
