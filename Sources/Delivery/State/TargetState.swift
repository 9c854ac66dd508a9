import Foundation
import Publishing

/// What the daemon remembers about one target between cycles and restarts, in
/// `<state_directory>/targets/<target>/delivery.json`: per dataset, the version the target's
/// manifest names, the one uploaded and waiting for its commit, and every version that may have
/// files there; and the target's last error. Without it a restart would either upload
/// everything again or forget what to remove.
public struct TargetState: Codable, Sendable, Equatable {
    /// A newer layout than this program knows is refused, not guessed at.
    public static let currentFormatVersion = 1

    public var formatVersion = TargetState.currentFormatVersion
    public var datasets: [String: DatasetDelivery] = [:]
    /// When a cycle last ended with nothing failed.
    public var lastSuccess: Date?
    /// The last failure, redacted; cleared by the next cycle that fails nothing.
    public var lastError: String?
    /// Its short form, for status.json (`DeliveryError.publicMessage`).
    public var lastPublicError: String?
    public var lastErrorAt: Date?
    /// Cycles that failed since the last one that did not: the backoff.
    public var consecutiveFailures = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case datasets
        case formatVersion = "format_version"
        case lastSuccess = "last_success"
        case lastError = "last_error"
        case lastPublicError = "last_public_error"
        case lastErrorAt = "last_error_at"
        case consecutiveFailures = "consecutive_failures"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        guard formatVersion <= Self.currentFormatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .formatVersion,
                in: c,
                debugDescription:
                    "format_version \(formatVersion) was written by a newer parquet-publisher (this one reads \(Self.currentFormatVersion))"
            )
        }
        datasets = try c.decodeIfPresent([String: DatasetDelivery].self, forKey: .datasets) ?? [:]
        lastSuccess = try c.decodeIfPresent(Date.self, forKey: .lastSuccess)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        lastPublicError = try c.decodeIfPresent(String.self, forKey: .lastPublicError)
        lastErrorAt = try c.decodeIfPresent(Date.self, forKey: .lastErrorAt)
        consecutiveFailures = try c.decodeIfPresent(Int.self, forKey: .consecutiveFailures) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(datasets, forKey: .datasets)
        try c.encode(lastSuccess, forKey: .lastSuccess)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(lastPublicError, forKey: .lastPublicError)
        try c.encode(lastErrorAt, forKey: .lastErrorAt)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
    }
}

/// One dataset at one target.
public struct DatasetDelivery: Codable, Sendable, Equatable {
    /// The entry the target's manifest has for the dataset (nil: none yet). Kept whole because
    /// the local version it names may be removed long before the target's is.
    public var committed: Manifest.Entry?
    public var committedAt: Date?
    /// Uploaded, its commit not yet run.
    public var uploaded: Manifest.Entry?
    /// Every version that may have files at the target, ascending: committed ones, and ones
    /// whose upload started (a failed upload may have left part of a version there).
    public var remote: [RemoteVersion] = []
    /// Since when a newer local version has waited for this target; nil when it has it.
    public var behindSince: Date?
    public var lastError: String?
    /// Its short form, for status.json.
    public var lastPublicError: String?
    public var lastErrorAt: Date?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case committed, uploaded, remote
        case committedAt = "committed_at"
        case behindSince = "behind_since"
        case lastError = "last_error"
        case lastPublicError = "last_public_error"
        case lastErrorAt = "last_error_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        committed = try c.decodeIfPresent(Manifest.Entry.self, forKey: .committed)
        committedAt = try c.decodeIfPresent(Date.self, forKey: .committedAt)
        uploaded = try c.decodeIfPresent(Manifest.Entry.self, forKey: .uploaded)
        remote = try c.decodeIfPresent([RemoteVersion].self, forKey: .remote) ?? []
        behindSince = try c.decodeIfPresent(Date.self, forKey: .behindSince)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        lastPublicError = try c.decodeIfPresent(String.self, forKey: .lastPublicError)
        lastErrorAt = try c.decodeIfPresent(Date.self, forKey: .lastErrorAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(committed, forKey: .committed)
        try c.encode(committedAt, forKey: .committedAt)
        try c.encode(uploaded, forKey: .uploaded)
        try c.encode(remote, forKey: .remote)
        try c.encode(behindSince, forKey: .behindSince)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(lastPublicError, forKey: .lastPublicError)
        try c.encode(lastErrorAt, forKey: .lastErrorAt)
    }

    /// Notes that `version` may have files at the target from now on.
    mutating func addRemote(_ version: Int) {
        guard !remote.contains(where: { $0.version == version }) else { return }
        remote.append(RemoteVersion(version: version))
        remote.sort { $0.version < $1.version }
    }

    /// A commit replaced `version` in the target's manifest at `date`.
    mutating func superseded(_ version: Int, at date: Date) {
        guard let index = remote.firstIndex(where: { $0.version == version }) else { return }
        remote[index].supersededAt = date
    }
}

/// A version that may have files at the target.
public struct RemoteVersion: Codable, Sendable, Equatable {
    public var version: Int
    /// When a commit replaced it in the target's manifest; nil while it is the one named, or
    /// when no manifest there ever named it (a skipped or half-uploaded version).
    public var supersededAt: Date?

    public init(version: Int, supersededAt: Date? = nil) {
        self.version = version
        self.supersededAt = supersededAt
    }

    enum CodingKeys: String, CodingKey {
        case version
        case supersededAt = "superseded_at"
    }
}
