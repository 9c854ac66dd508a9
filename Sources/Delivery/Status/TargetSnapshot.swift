import Foundation
import Publishing

/// What status.json, the metrics, STATUS= and `parquet-publisher status` show of one target.
public struct TargetSnapshot: Sendable {
    public enum Activity: String, Sendable, Codable {
        case idle
        /// A cycle runs.
        case delivering
        /// The last cycle failed; the next waits for its backoff (`next_attempt`).
        case waiting
        /// Read by `status` from the state file; the daemon is not running.
        case notRunning = "not running"
    }

    public var target: TargetConfiguration
    public var activity: Activity
    public var running: TargetDelivery.RunningPhase?
    public var state: TargetState
    public var nextAttempt: Date?
    /// Since the daemon started.
    public var failuresTotal: Int
    public var cyclesTotal: Int

    public var name: String { target.name }

    public init(
        target: TargetConfiguration,
        activity: Activity,
        running: TargetDelivery.RunningPhase? = nil,
        state: TargetState,
        nextAttempt: Date? = nil,
        failuresTotal: Int = 0,
        cyclesTotal: Int = 0
    ) {
        self.target = target
        self.activity = activity
        self.running = running
        self.state = state
        self.nextAttempt = nextAttempt
        self.failuresTotal = failuresTotal
        self.cyclesTotal = cyclesTotal
    }

    /// One carried dataset: what the target has against what is published locally.
    public struct DatasetLag: Sendable, Equatable {
        public var dataset: String
        /// The version the target's manifest names; nil before the first commit.
        public var delivered: Int?
        /// `current` in the publish directory; nil before the first publish.
        public var local: Int?
        /// Uploaded, waiting for its commit.
        public var uploaded: Int?
        /// How long the target has lacked the newest local version; 0 when it has it.
        public var lagSeconds: Int
        public var behindSince: Date?
        public var deliveredAt: Date?
        public var lastError: String?

        public var upToDate: Bool { local == nil || delivered == local }
    }

    /// Every dataset the target carries, against the publish directory now.
    public func datasets(configuration: Configuration, now: Date) -> [DatasetLag] {
        target.carried(from: configuration.publishedNames).map { name in
            let directory = DatasetDirectory(root: configuration.publish.directory, dataset: name)
            let delivery = state.datasets[name]
            let local = (try? directory.currentVersion()) ?? nil
            var lag = DatasetLag(
                dataset: name,
                delivered: delivery?.committed?.version,
                local: local,
                uploaded: delivery?.uploaded?.version,
                lagSeconds: 0,
                behindSince: delivery?.behindSince,
                deliveredAt: delivery?.committedAt,
                lastError: delivery?.lastError
            )
            if let local, local != lag.delivered {
                let since = lag.behindSince ?? (try? directory.publishedAt(version: local)) ?? now
                lag.behindSince = since
                lag.lagSeconds = max(0, Int(now.timeIntervalSince(since)))
            } else {
                lag.behindSince = nil
            }
            return lag
        }
    }

    /// The target's entry in status.json (`publicErrors`: the short forms of its errors, for
    /// a public file) or in `status --json` (the full ones, from the private state file).
    public func status(configuration: Configuration, now: Date, publicErrors: Bool) -> TargetStatus {
        func error(_ full: String?, _ short: String?) -> String? {
            guard full != nil else { return nil }
            return publicErrors ? (short ?? DeliveryError.unknownPublicMessage) : full
        }
        var datasets: [String: TargetStatus.Dataset] = [:]
        for lag in self.datasets(configuration: configuration, now: now) {
            let delivery = state.datasets[lag.dataset]
            datasets[lag.dataset] = TargetStatus.Dataset(
                deliveredVersion: lag.delivered,
                localVersion: lag.local,
                uploadedVersion: lag.uploaded,
                lagSeconds: lag.lagSeconds,
                behindSince: lag.behindSince,
                deliveredAt: lag.deliveredAt,
                lastError: error(delivery?.lastError, delivery?.lastPublicError)
            )
        }
        return TargetStatus(
            state: activity,
            running: running.map {
                TargetStatus.Running(phase: $0.phase, dataset: $0.dataset, version: $0.version, startedAt: $0.startedAt)
            },
            lastSuccess: state.lastSuccess,
            lastError: error(state.lastError, state.lastPublicError),
            lastErrorAt: state.lastErrorAt,
            consecutiveFailures: state.consecutiveFailures,
            nextAttempt: nextAttempt,
            datasets: datasets
        )
    }

    /// "cdn: orders v12 (local v13, 40s behind), offers v5; last success 2026-11-25T01:02:03Z".
    public func line(configuration: Configuration, now: Date) -> String {
        let parts = datasets(configuration: configuration, now: now).map { lag in
            var text = "\(lag.dataset) " + (lag.delivered.map { "v\($0)" } ?? "nothing delivered")
            if !lag.upToDate, let local = lag.local {
                text += " (local v\(local), \(Self.span(lag.lagSeconds)) behind)"
            }
            return text
        }
        var text = "target \(name): " + (parts.isEmpty ? "no datasets" : parts.joined(separator: ", "))
        if let phase = running { text += "; \(phase.phase.rawValue) of \(phase.dataset)/v\(phase.version) running" }
        if let success = state.lastSuccess { text += "; last success \(ISO8601Timestamp.string(from: success))" }
        if state.consecutiveFailures > 0 { text += " (failing \(state.consecutiveFailures)x)" }
        if let next = nextAttempt { text += "; next attempt \(ISO8601Timestamp.string(from: next))" }
        if let error = state.lastError { text += "\n  last error: \(error)" }
        return text
    }

    /// For STATUS=: nil while the target is healthy, else "target cdn failing 3x, 4m behind".
    /// From memory only (the daemon's control queue calls it every second and does no I/O):
    /// how long it is behind is known from the state once a cycle has seen the new version.
    public func summary(now: Date) -> String? {
        guard state.consecutiveFailures > 0 else { return nil }
        var text = "target \(name) failing \(state.consecutiveFailures)x"
        if let since = state.datasets.values.compactMap(\.behindSince).min() {
            text += ", \(Self.span(max(0, Int(now.timeIntervalSince(since))))) behind"
        }
        return text
    }

    static func span(_ seconds: Int) -> String {
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }

    /// A Prometheus family: name without the `parquet_publisher_` prefix, and its samples.
    public struct MetricFamily: Sendable {
        public var name: String
        public var type: String
        public var help: String
        public var samples: [(labels: [(String, String)], value: Double)]
    }

    /// The target families, one sample per target (and dataset) of `snapshots`.
    public static func metrics(_ snapshots: [TargetSnapshot], configuration: Configuration, now: Date) -> [MetricFamily]
    {
        var delivered = MetricFamily(
            name: "target_delivered_version",
            type: "gauge",
            help: "The version the target's manifest names.",
            samples: []
        )
        var lag = MetricFamily(
            name: "target_lag_seconds",
            type: "gauge",
            help: "How long the target has lacked the newest local version (0: it has it).",
            samples: []
        )
        var families = [
            MetricFamily(
                name: "target_consecutive_failures",
                type: "gauge",
                help: "Failed delivery cycles since the last one that failed nothing.",
                samples: []
            ),
            MetricFamily(
                name: "target_failures_total",
                type: "counter",
                help: "Failed delivery cycles since the daemon started.",
                samples: []
            ),
            MetricFamily(
                name: "target_cycles_total",
                type: "counter",
                help: "Delivery cycles run since the daemon started.",
                samples: []
            ),
            MetricFamily(name: "target_delivering", type: "gauge", help: "1 while a phase runs.", samples: []),
            MetricFamily(
                name: "target_last_success_timestamp_seconds",
                type: "gauge",
                help: "When a delivery cycle last failed nothing (Unix time).",
                samples: []
            ),
        ]
        for s in snapshots {
            let labels = [("target", s.name)]
            families[0].samples.append((labels, Double(s.state.consecutiveFailures)))
            families[1].samples.append((labels, Double(s.failuresTotal)))
            families[2].samples.append((labels, Double(s.cyclesTotal)))
            families[3].samples.append((labels, s.running == nil ? 0 : 1))
            if let success = s.state.lastSuccess {
                families[4].samples.append((labels, success.timeIntervalSince1970))
            }
            for dataset in s.datasets(configuration: configuration, now: now) {
                let labels = [("target", s.name), ("dataset", dataset.dataset)]
                if let version = dataset.delivered { delivered.samples.append((labels, Double(version))) }
                lag.samples.append((labels, Double(dataset.lagSeconds)))
            }
        }
        return [delivered, lag] + families
    }
}
