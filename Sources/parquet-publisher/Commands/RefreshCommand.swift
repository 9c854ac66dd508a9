import ArgumentParser
import Foundation
import Logging
import Publishing
import Rollups

struct RefreshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Run one refresh cycle for the named datasets (all by default), then exit."
    )

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    @Flag(help: "Rebuild from scratch instead of reading only what changed.")
    var full = false

    @Flag(help: "Also reconcile with the source now (finds hard deletes and writes that bypassed updated_at).")
    var reconcile = false

    @Flag(help: "Print one JSON object per dataset on stdout (version, rows, files rewritten, bytes, seconds).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "How long to wait when another process (the daemon, another refresh) is refreshing a dataset.",
            discussion:
                "A duration (90s, 5m, 1h30m); 0 fails after a 2 s grace, naming the process that holds the dataset."
        )
    )
    var wait = "10m"

    @Flag(help: "Do not run the [[target]] commands after publishing (the daemon delivers later).")
    var noDeliver = false

    @Argument(
        help:
            "Datasets to refresh (default: every dataset in the configuration); a rollup's name refreshes its dataset."
    )
    var datasets: [String] = []

    func validate() throws {
        do {
            _ = try DurationParser.parse(wait)
        } catch {
            throw ValidationError("--wait: \(error)")
        }
    }

    func run() throws {
        let logger = CommandLogging.bootstrap(label: "parquet-publisher.refresh")
        let configuration = try CommandLogging.loadConfiguration(config)
        // A rollup is refreshed with its base.
        var names: [String] = []
        for name in datasets {
            let base = configuration.rollups.first { $0.name == name }?.from ?? name
            if !names.contains(base) { names.append(base) }
        }
        let selected = try CommandLogging.select(names, from: configuration)
        let connector = try CommandLogging.connector(for: configuration, logger: logger)
        var failures: [String] = []
        for dataset in selected {
            let refresher = DatasetRefresher(
                configuration: configuration,
                dataset: dataset,
                connector: connector,
                logger: logger
            )
            refresher.derived = RollupPublisher(configuration: configuration, dataset: dataset.name, logger: logger)
            // One writer per dataset: wait for the daemon's cycle (or another refresh) to end.
            refresher.lockWait = (try? DurationParser.parse(wait)) ?? .zero
            let meter = ProgressMeter()
            refresher.progress = { meter.report($0) }
            do {
                let result = try refresher.refresh(full: full, reconcile: reconcile)
                meter.finish()
                let version = result.version.map { "v\($0)" } ?? "no new version (no changes)"
                let rate = result.seconds > 0 ? Int(Double(result.rowsFetched) / result.seconds) : 0
                if json { print(Self.json(result)) }
                FileHandle.standardError.write(
                    Data(
                        """
                        \(dataset.name): \(version), \(result.rows) rows, \(result.files) files, fetched \
                        \(result.rowsFetched) rows in \(String(format: "%.2f", result.seconds)) s (\(rate) rows/s)\n
                        """
                        .utf8
                    )
                )
                for rollup in result.derived {
                    let how =
                        rollup.full
                        ? "full: \(rollup.reason ?? "")" : "\(rollup.filesRewritten) of \(rollup.files) files rewritten"
                    FileHandle.standardError.write(
                        Data(
                            "\(rollup.name): v\(rollup.version) from \(dataset.name) v\(rollup.sourceVersion), \(rollup.rows) rows, \(how), \(String(format: "%.3f", rollup.seconds)) s\n"
                                .utf8
                        )
                    )
                }
            } catch {
                meter.finish()
                FileHandle.standardError.write(Data("\(dataset.name): refresh failed: \(error)\n".utf8))
                failures.append(dataset.name)
            }
        }
        let undelivered = noDeliver ? [] : Self.deliver(configuration, logger: logger)
        if !failures.isEmpty {
            // Not a ValidationError: the command line was right, so no usage text and not EX_USAGE.
            FileHandle.standardError.write(Data("refresh failed for \(failures.joined(separator: ", "))\n".utf8))
            throw ExitCode.failure
        }
        if !undelivered.isEmpty {
            FileHandle.standardError.write(
                Data("published, but delivery failed for \(undelivered.joined(separator: ", "))\n".utf8)
            )
            throw ExitCode.failure
        }
    }
}

extension RefreshCommand {
    static func json(_ result: RefreshResult) -> String {
        let object: [String: Any] = [
            "dataset": result.dataset, "version": result.version.map { $0 as Any } ?? NSNull(), "rows": result.rows,
            "rows_fetched": result.rowsFetched, "files": result.files, "files_rewritten": result.filesRewritten,
            "bytes_written": result.bytesWritten, "total_bytes": result.totalBytes,
            "seconds": (result.seconds * 1000).rounded() / 1000, "full": result.full, "warnings": result.warnings,
            "rollups": result.derived.map { r -> [String: Any] in
                [
                    "dataset": r.name, "version": r.version, "source_version": r.sourceVersion, "rows": r.rows,
                    "files": r.files, "files_rewritten": r.filesRewritten, "bytes_written": r.bytesWritten,
                    "seconds": (r.seconds * 1000).rounded() / 1000, "full": r.full,
                    "reason": r.reason.map { $0 as Any } ?? NSNull(),
                ]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Progress lines on stderr at most twice a second: phase, rows, rows/s.
final class ProgressMeter: @unchecked Sendable {
    private var lastPrint = ContinuousClock.now - .seconds(10)
    private var lastPhase: RefreshProgress.Phase?
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) != 0

    func report(_ progress: RefreshProgress) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        guard progress.phase != lastPhase || now - lastPrint >= .milliseconds(500) else { return }
        lastPhase = progress.phase
        lastPrint = now
        let line =
            """
            \(progress.dataset): \(progress.phase.rawValue) \(progress.rows) rows, \(Int(progress.rowsPerSecond)) \
            rows/s, \(String(format: "%.1f", progress.seconds)) s
            """
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
