import Delivery
import Foundation
import Publishing

/// status.json: what the daemon tells dashboards about itself and each dataset ("data as of
/// 3 min ago"). One type for the writer (`StatusWriter`) and the reader (`parquet-publisher
/// status`); docs/operations.md documents the keys. Absent values are written as `null`, so
/// every key is always there.
public struct StatusDocument: Codable, Sendable, Equatable {
    public var generatedAt: Date
    public var daemon: Daemon
    public var datasets: [String: Dataset]
    /// Each `[[target]]` (docs/delivery.md); absent in files written before targets existed.
    public var targets: [String: TargetStatus]

    /// Its name in the public directory.
    public static let fileName = "status.json"

    public init(generatedAt: Date, daemon: Daemon, datasets: [String: Dataset], targets: [String: TargetStatus] = [:]) {
        self.generatedAt = generatedAt
        self.daemon = daemon
        self.datasets = datasets
        self.targets = targets
    }

    enum CodingKeys: String, CodingKey {
        case daemon, datasets, targets
        case generatedAt = "generated_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generatedAt = try c.decode(Date.self, forKey: .generatedAt)
        daemon = try c.decode(Daemon.self, forKey: .daemon)
        datasets = try c.decode([String: Dataset].self, forKey: .datasets)
        targets = try c.decodeIfPresent([String: TargetStatus].self, forKey: .targets) ?? [:]
    }

    /// The process that wrote the file.
    public struct Daemon: Codable, Sendable, Equatable {
        public var pid: Int
        public var startedAt: Date
        /// False in the last write before the daemon exits.
        public var running: Bool

        enum CodingKeys: String, CodingKey {
            case pid, running
            case startedAt = "started_at"
        }
    }

    /// One dataset's freshness, schedule and last outcome.
    public struct Dataset: Codable, Sendable, Equatable {
        public var state: DatasetActivity
        /// The published version; nil before the first.
        public var version: Int?
        public var rows: Int?
        public var lastSuccess: Date?
        public var lastDurationSeconds: Double?
        /// A short account of the last failure (`PublicErrorMessage`): no host, user, path or
        /// SQL; the journal and the state file have the full error.
        public var lastError: String?
        public var lastErrorAt: Date?
        public var consecutiveFailures: Int
        public var nextRun: Date?
        public var lastReconcile: Date?
        public var nextReconcile: Date?
        /// The source's clock when the published data was read: what the data is as of.
        public var dataAsOf: Date?
        public var lagSeconds: Int?
        /// The running refresh passed `refresh_timeout`.
        public var overdue: Bool
        /// While refreshing.
        public var progress: Progress?

        enum CodingKeys: String, CodingKey {
            case state, version, rows, overdue, progress
            case lastSuccess = "last_success"
            case lastDurationSeconds = "last_duration_seconds"
            case lastError = "last_error"
            case lastErrorAt = "last_error_at"
            case consecutiveFailures = "consecutive_failures"
            case nextRun = "next_run"
            case lastReconcile = "last_reconcile"
            case nextReconcile = "next_reconcile"
            case dataAsOf = "data_as_of"
            case lagSeconds = "lag_seconds"
        }

        /// Every key, absent values as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(state, forKey: .state)
            try c.encode(version, forKey: .version)
            try c.encode(rows, forKey: .rows)
            try c.encode(lastSuccess, forKey: .lastSuccess)
            try c.encode(lastDurationSeconds, forKey: .lastDurationSeconds)
            try c.encode(lastError, forKey: .lastError)
            try c.encode(lastErrorAt, forKey: .lastErrorAt)
            try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
            try c.encode(nextRun, forKey: .nextRun)
            try c.encode(lastReconcile, forKey: .lastReconcile)
            try c.encode(nextReconcile, forKey: .nextReconcile)
            try c.encode(dataAsOf, forKey: .dataAsOf)
            try c.encode(lagSeconds, forKey: .lagSeconds)
            try c.encode(overdue, forKey: .overdue)
            try c.encode(progress, forKey: .progress)
        }
    }

    /// How far a running refresh has got.
    public struct Progress: Codable, Sendable, Equatable {
        public var phase: String
        public var rows: Int
        /// Of a refresh that reads the whole dataset, against the previous version's rows.
        public var percent: Int?

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(phase, forKey: .phase)
            try c.encode(rows, forKey: .rows)
            try c.encode(percent, forKey: .percent)
        }
    }

    /// The file's bytes, in the conventions of every published JSON file.
    public func encoded() throws -> [UInt8] {
        try PublishingJSON.encode(self)
    }

    public static func decode(_ bytes: [UInt8]) throws -> StatusDocument {
        try PublishingJSON.decode(StatusDocument.self, from: bytes)
    }
}

/// Where a dataset is in its cycle.
public enum DatasetActivity: String, Codable, Sendable {
    /// The timer is armed (or the daemon stops).
    case idle
    /// The timer fired; waiting for a `max_concurrent_refreshes` slot.
    case waiting
    case refreshing
}
