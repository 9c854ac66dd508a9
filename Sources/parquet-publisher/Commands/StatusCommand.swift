import ArgumentParser
import Foundation
import Publishing

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per dataset: the current version, rows, last success and error, next run, watermark and lag.")

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    @Flag(help: "One JSON document on stdout.")
    var json = false

    func run() throws {
        let configuration = try CommandLogging.loadConfiguration(config)
        let store = StateStore(directory: configuration.publish.stateDirectory)
        let daemon = Self.daemonStatus(configuration)
        var datasets: [String: Any] = [:]
        var lines: [String] = []
        for dataset in configuration.datasets {
            let state = try store.load(dataset: dataset.name)
            let current = try DatasetDirectory(root: configuration.publish.directory, dataset: dataset.name).currentVersion()
            let live = daemon?[dataset.name] as? [String: Any]
            var entry: [String: Any] = [
                "version": current.map { $0 as Any } ?? NSNull(),
                "rows": (state?.rows).map { $0 as Any } ?? NSNull(),
                "last_success": (state?.lastSuccess).map { ISO8601Timestamp.string(from: $0) as Any } ?? NSNull(),
                "last_error": (state?.lastError).map { $0 as Any } ?? NSNull(),
                "last_error_at": (state?.lastErrorAt).map { ISO8601Timestamp.string(from: $0) as Any } ?? NSNull(),
                "next_run": live?["next_run"] ?? NSNull(),
                "daemon": daemon == nil ? "not running" : ((live?["refreshing"] as? Bool) == true ? "refreshing" : "scheduled"),
            ]
            var lag = "-"
            if let watermark = state?.watermark {
                let asOf = Date(timeIntervalSince1970: Double(watermark) / 1e6)
                entry["watermark"] = ISO8601Timestamp.string(from: asOf)
                entry["lag_seconds"] = Int(Date().timeIntervalSince(asOf))
                lag = "\(Int(Date().timeIntervalSince(asOf)))s"
            } else {
                entry["watermark"] = NSNull()
                entry["lag_seconds"] = NSNull()
            }
            datasets[dataset.name] = entry
            lines.append(
                "\(dataset.name): " + (current.map { "v\($0)" } ?? "nothing published")
                    + ", \(state?.rows.map(String.init) ?? "?") rows"
                    + ", last success \(state?.lastSuccess.map { ISO8601Timestamp.string(from: $0) } ?? "never")"
                    + ", lag \(lag)"
                    + ", next run \((live?["next_run"] as? String) ?? (daemon == nil ? "(daemon not running)" : "-"))"
                    + ((state?.lastError).map { "\n  last error: \($0)" } ?? ""))
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: ["datasets": datasets], options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(lines.joined(separator: "\n"))
        }
    }

    /// The daemon's own view from status.json, when it is fresh (written in the last minute).
    static func daemonStatus(_ configuration: Configuration) -> [String: Any]? {
        let path = configuration.publish.directory + "/status.json"
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date, Date().timeIntervalSince(modified) < 60,
            let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["datasets"] as? [String: Any]
    }
}
