import Foundation

/// One target's entry in status.json (`targets.<name>`) and in `status --json`; the keys are
/// documented in docs/delivery.md. status.json is public: `last_error` there is the short
/// `DeliveryError.publicMessage` (phase, version, kind of failure), never a path, host or the
/// command's output; `status` and the journal have the full error.
public struct TargetStatus: Codable, Sendable, Equatable {
    public var state: TargetSnapshot.Activity
    /// While a phase runs.
    public var running: Running?
    public var lastSuccess: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var consecutiveFailures: Int
    /// When the next attempt after a failure is due.
    public var nextAttempt: Date?
    public var datasets: [String: Dataset]

    public struct Running: Codable, Sendable, Equatable {
        public var phase: DeliveryPhase
        public var dataset: String
        public var version: Int
        public var startedAt: Date

        enum CodingKeys: String, CodingKey {
            case phase, dataset, version
            case startedAt = "started_at"
        }
    }

    /// What the target has of one dataset against the publish directory.
    public struct Dataset: Codable, Sendable, Equatable {
        public var deliveredVersion: Int?
        public var localVersion: Int?
        public var uploadedVersion: Int?
        /// How long the target has lacked the newest local version; 0 when it has it.
        public var lagSeconds: Int
        public var behindSince: Date?
        public var deliveredAt: Date?
        public var lastError: String?

        enum CodingKeys: String, CodingKey {
            case deliveredVersion = "delivered_version"
            case localVersion = "local_version"
            case uploadedVersion = "uploaded_version"
            case lagSeconds = "lag_seconds"
            case behindSince = "behind_since"
            case deliveredAt = "delivered_at"
            case lastError = "last_error"
        }

        /// Every key, absent values as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(deliveredVersion, forKey: .deliveredVersion)
            try c.encode(localVersion, forKey: .localVersion)
            try c.encode(uploadedVersion, forKey: .uploadedVersion)
            try c.encode(lagSeconds, forKey: .lagSeconds)
            try c.encode(behindSince, forKey: .behindSince)
            try c.encode(deliveredAt, forKey: .deliveredAt)
            try c.encode(lastError, forKey: .lastError)
        }
    }

    enum CodingKeys: String, CodingKey {
        case state, running, datasets
        case lastSuccess = "last_success"
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
        case consecutiveFailures = "consecutive_failures"
        case nextAttempt = "next_attempt"
    }

    /// Every key, absent values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
        try c.encode(running, forKey: .running)
        try c.encode(lastSuccess, forKey: .lastSuccess)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(lastErrorAt, forKey: .lastErrorAt)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try c.encode(nextAttempt, forKey: .nextAttempt)
        try c.encode(datasets, forKey: .datasets)
    }
}
