import Delivery
import Foundation
import Logging
import Publishing
import SystemSupport

/// Writes `<directory>/status.json` (freshness for dashboards: "data as of 3 min ago") and,
/// when `metrics_file` is set, a Prometheus textfile for node_exporter's textfile collector;
/// both replaced atomically.
struct StatusWriter {
    let logger: Logger

    func write(
        _ snapshots: [DatasetSchedule.Snapshot],
        configuration: Configuration,
        startedAt: Date,
        stopped: Bool = false,
        targets: [TargetSnapshot] = [],
        now: Date = Date()
    ) {
        do {
            var document = Self.document(snapshots, startedAt: startedAt, stopped: stopped, now: now)
            document.targets = Self.targets(targets, configuration: configuration, now: now)
            try FileOperations.replaceFile(
                configuration.publish.directory + "/" + StatusDocument.fileName,
                try document.encoded()
            )
        } catch {
            logger.warning("cannot write status.json", metadata: ["error": "\(error)"])
        }
        if let metricsFile = configuration.publish.metricsFile {
            do {
                let text =
                    Self.metrics(snapshots, now: now)
                    + Self.metrics(TargetSnapshot.metrics(targets, configuration: configuration, now: now))
                try FileOperations.replaceFile(metricsFile, Array(text.utf8))
            } catch {
                logger.warning("cannot write the metrics file", metadata: ["error": "\(error)"])
            }
        }
    }

    /// `stopped`: the daemon's last write before it exits, so readers know it is not running.
    static func document(
        _ snapshots: [DatasetSchedule.Snapshot],
        startedAt: Date,
        stopped: Bool = false,
        now: Date
    ) -> StatusDocument {
        StatusDocument(
            generatedAt: now,
            daemon: StatusDocument.Daemon(
                pid: Int(ProcessInfo.processInfo.processIdentifier),
                startedAt: startedAt,
                running: !stopped
            ),
            datasets: Dictionary(uniqueKeysWithValues: snapshots.map { ($0.name, StatusSummary.entry($0, now: now)) })
        )
    }

    /// Prometheus text exposition format 0.0.4: one sample per dataset and family.
    static func metrics(_ snapshots: [DatasetSchedule.Snapshot], now: Date) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ value: (DatasetSchedule.Snapshot) -> Double?) {
            lines.append("# HELP parquet_publisher_\(name) \(help)")
            lines.append("# TYPE parquet_publisher_\(name) \(type)")
            for s in snapshots {
                guard let v = value(s) else { continue }
                lines.append("parquet_publisher_\(name){dataset=\"\(label(s.name))\"} \(number(v))")
            }
        }
        family("refresh_duration_seconds", "gauge", "How long the last successful refresh took.") {
            $0.lastResult?.seconds ?? $0.published?.lastDuration
        }
        family("rows", "gauge", "Rows in the published version.") { $0.published?.rows.map(Double.init) }
        family("version", "gauge", "The published version number.") { s in s.published.map { Double($0.version) } }
        family("refreshes_total", "counter", "Refreshes run since the daemon started.") { Double($0.refreshesTotal) }
        family("refresh_errors_total", "counter", "Failed refreshes since the daemon started.") {
            Double($0.errorsTotal)
        }
        family("refresh_timeouts_total", "counter", "Refreshes that ran past refresh_timeout since the daemon started.")
        {
            Double($0.timeoutsTotal)
        }
        family("consecutive_failures", "gauge", "Failed refreshes since the last success.") { Double($0.failures) }
        family("refreshing", "gauge", "1 while a refresh runs.") { $0.activity == .refreshing ? 1 : 0 }
        family("last_success_timestamp_seconds", "gauge", "When the last refresh succeeded (Unix time).") {
            ($0.published?.lastSuccess ?? $0.lastSuccess)?.timeIntervalSince1970
        }
        family("data_lag_seconds", "gauge", "Age of the published data by the source's clock.") { s in
            s.published?.watermark.map { max(0, now.timeIntervalSince1970 - Double($0) / 1e6) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A label value with `\`, `"` and newlines escaped, as the exposition format requires.
    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.3f", v)
    }
}
