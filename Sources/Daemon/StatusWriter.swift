import Foundation
import Logging
import Publishing

/// Writes `<directory>/status.json` (freshness for dashboards: "data as of 3 min ago") and,
/// when `metrics_file` is set, a Prometheus textfile; both replaced atomically.
struct StatusWriter {
    let logger: Logger

    func write(snapshots: [DatasetSchedule.Snapshot], states: [String: DatasetState?], configuration: Configuration) {
        let now = Date()
        var datasets: [String: Any] = [:]
        for s in snapshots {
            let state = states[s.name] ?? nil
            var entry: [String: Any] = [
                "refreshing": s.running,
                "version": (state?.version).map { $0 as Any } ?? NSNull(),
                "rows": (state?.rows).map { $0 as Any } ?? NSNull(),
                "last_success": (state?.lastSuccess).map { ISO8601Timestamp.string(from: $0) as Any } ?? NSNull(),
                "last_error": (s.lastError ?? state?.lastError).map { $0 as Any } ?? NSNull(),
                "next_run": s.nextRun.map { ISO8601Timestamp.string(from: $0) as Any } ?? NSNull(),
                "consecutive_failures": s.failures,
            ]
            if let watermark = state?.watermark {
                // The source's clock when the published data was read: what the data is as of.
                let asOf = Date(timeIntervalSince1970: Double(watermark) / 1e6)
                entry["data_as_of"] = ISO8601Timestamp.string(from: asOf)
                entry["lag_seconds"] = Int(now.timeIntervalSince(asOf))
            } else {
                entry["data_as_of"] = NSNull()
                entry["lag_seconds"] = NSNull()
            }
            datasets[s.name] = entry
        }
        let document: [String: Any] = ["generated_at": ISO8601Timestamp.string(from: now), "datasets": datasets]
        if let data = try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]) {
            replace(configuration.publish.directory + "/status.json", with: data)
        }
        if let metricsFile = configuration.publish.metricsFile {
            replace(metricsFile, with: Data(metrics(snapshots: snapshots, states: states).utf8))
        }
    }

    /// Prometheus text exposition: one gauge or counter per dataset.
    func metrics(snapshots: [DatasetSchedule.Snapshot], states: [String: DatasetState?]) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ value: (DatasetSchedule.Snapshot, DatasetState?) -> Double?) {
            lines.append("# HELP parquet_publisher_\(name) \(help)")
            lines.append("# TYPE parquet_publisher_\(name) \(type)")
            for s in snapshots {
                guard let v = value(s, states[s.name] ?? nil) else { continue }
                lines.append("parquet_publisher_\(name){dataset=\"\(s.name)\"} \(v)")
            }
        }
        family("refresh_duration_seconds", "gauge", "Duration of the last refresh.") { s, state in s.lastResult?.seconds ?? state?.lastDuration }
        family("rows", "gauge", "Rows in the published version.") { _, state in state?.rows.map(Double.init) }
        family("version", "gauge", "The published version number.") { _, state in state.map { Double($0.version) } }
        family("refreshes_total", "counter", "Refreshes run since the daemon started.") { s, _ in Double(s.refreshesTotal) }
        family("refresh_errors_total", "counter", "Failed refreshes since the daemon started.") { s, _ in Double(s.errorsTotal) }
        family("last_success_timestamp_seconds", "gauge", "When the last refresh succeeded (Unix time).") { _, state in
            state?.lastSuccess?.timeIntervalSince1970
        }
        family("data_lag_seconds", "gauge", "Age of the published data by the source's clock.") { _, state in
            state?.watermark.map { Date().timeIntervalSince1970 - Double($0) / 1e6 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func replace(_ path: String, with data: Data) {
        let temporary = path + ".tmp-\(getpid())"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                throw PublishingError(.publishFailed, "cannot rename \(temporary) to \(path) (errno \(errno))")
            }
        } catch {
            unlink(temporary)
            logger.warning("cannot write \(path): \(error)")
        }
    }
}
