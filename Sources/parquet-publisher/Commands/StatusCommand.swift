import ArgumentParser
import Foundation
import Publishing

/// `parquet-publisher status`: what is published and how fresh, from the state files and the
/// public directory, plus the daemon's own view (next run, refreshing now) from its
/// status.json when the daemon runs. Reads only; safe beside a running daemon.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per dataset: the current version, rows, last success and error, next run, watermark and lag."
    )

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    @Flag(help: "One JSON document on stdout.")
    var json = false

    /// status.json older than this means the daemon is not running (it rewrites it every 5 s,
    /// and marks it `"running": false` when it stops).
    static let freshFor: TimeInterval = 30

    func run() throws {
        let configuration = try CommandLogging.loadConfiguration(config)
        let now = Date()
        let store = StateStore(directory: configuration.publish.stateDirectory)
        let daemon = Self.daemonStatus(configuration, now: now)
        var datasets: [String: Any] = [:]
        var lines: [String] = []
        if let daemon {
            let pid = (daemon["daemon"] as? [String: Any])?["pid"].map { " (pid \($0))" } ?? ""
            lines.append("daemon: running\(pid), status.json \(Int(daemon.age))s old")
        } else {
            lines.append("daemon: not running (no status.json written in the last \(Int(Self.freshFor))s)")
        }
        for dataset in configuration.datasets {
            let state: DatasetState?
            var stateError: String?
            do {
                state = try store.load(dataset: dataset.name)
            } catch {
                state = nil
                stateError = "\(error)"
            }
            let current = try? DatasetDirectory(root: configuration.publish.directory, dataset: dataset.name)
                .currentVersion()
            let live = (daemon?.datasets[dataset.name] as? [String: Any]) ?? [:]
            let watermark = state?.watermark.map { Date(timeIntervalSince1970: Double($0) / 1e6) }
            let lag = watermark.map { max(0, Int(now.timeIntervalSince($0))) }
            let lastError = stateError ?? (live["last_error"] as? String) ?? state?.lastError
            let nextRun: Any = daemon == nil ? "not running" : (live["next_run"] ?? NSNull())
            datasets[dataset.name] =
                [
                    "version": Self.json(current ?? nil),
                    "rows": Self.json(state?.rows),
                    "last_success": Self.json(state?.lastSuccess.map { ISO8601Timestamp.string(from: $0) }),
                    "last_error": Self.json(lastError),
                    "last_error_at": Self.json(state?.lastErrorAt.map { ISO8601Timestamp.string(from: $0) }),
                    "next_run": nextRun,
                    "state": daemon == nil ? "not running" : (live["state"] ?? "unknown"),
                    "watermark": Self.json(watermark.map { ISO8601Timestamp.string(from: $0, fractionalDigits: 3) }),
                    "lag_seconds": Self.json(lag),
                    "progress": live["progress"] ?? NSNull(),
                ] as [String: Any]

            var line = "\(dataset.name): " + ((current ?? nil).map { "v\($0)" } ?? "nothing published")
            if let rows = state?.rows { line += ", \(rows) rows" }
            line += ", last success " + (state?.lastSuccess.map { Self.when($0, now: now) } ?? "never")
            if let watermark, let lag {
                line += ", watermark \(ISO8601Timestamp.string(from: watermark)) (lag \(Self.span(lag)))"
            }
            if daemon == nil {
                line += ", next run: daemon not running"
            } else if (live["state"] as? String) == "refreshing" {
                let progress = live["progress"] as? [String: Any]
                let percent = (progress?["percent"] as? Int).map { " \($0)%" } ?? ""
                line += ", refreshing now\(percent)"
            } else if let next = (live["next_run"] as? String).flatMap(ISO8601Timestamp.date(from:)) {
                line += ", next run " + Self.when(next, now: now)
            }
            if let lastError { line += "\n  last error: \(lastError)" }
            lines.append(line)
        }
        let targets = Self.targets(configuration, daemon: daemon, now: now)
        lines += targets.lines
        if json {
            var document: [String: Any] = [
                "daemon": daemon.map { ["running": true, "status_age_seconds": Int($0.age)] as [String: Any] } ?? [
                    "running": false
                ],
                "datasets": datasets,
            ]
            document["targets"] = targets.json
            let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(lines.joined(separator: "\n"))
        }
    }

    static func json(_ value: (some Any)?) -> Any { value.map { $0 as Any } ?? NSNull() }

    /// "2026-11-25T01:02:03Z (2m ago)" or "(in 3m)".
    static func when(_ date: Date, now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        return ISO8601Timestamp.string(from: date)
            + (seconds >= 0 ? " (\(span(seconds)) ago)" : " (in \(span(-seconds)))")
    }

    static func span(_ seconds: Int) -> String {
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }

    /// The daemon's status.json, when it is fresh.
    struct DaemonStatus {
        var document: [String: Any]
        var age: TimeInterval
        var datasets: [String: Any] { document["datasets"] as? [String: Any] ?? [:] }
        subscript(key: String) -> Any? { document[key] }
    }

    static func daemonStatus(_ configuration: Configuration, now: Date) -> DaemonStatus? {
        let path = configuration.publish.directory + "/status.json"
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date,
            now.timeIntervalSince(modified) < freshFor,
            let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            (object["daemon"] as? [String: Any])?["running"] as? Bool != false
        else { return nil }
        return DaemonStatus(document: object, age: max(0, now.timeIntervalSince(modified)))
    }
}
