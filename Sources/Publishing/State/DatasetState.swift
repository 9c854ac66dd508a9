import Foundation

/// What the publisher remembers about one dataset between refreshes, in
/// `<state_directory>/<dataset>.json`. Times are ISO-8601 UTC to the millisecond.
public struct DatasetState: Codable, Sendable, Equatable {
    /// The layout of this file; a newer one than this program knows is refused, not guessed at.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// The database clock (µs since 1970-01-01 UTC, read on the source connection when the last
    /// successful delta started); the next delta reads `updated_at >= watermark - lookback`.
    /// nil: no successful refresh yet, the next one is a full snapshot.
    public var watermark: Int64?
    /// The last published version (0: none yet). `DatasetDirectory.nextVersion(after:)` takes
    /// the larger of this and what is on disk.
    public var version: Int
    /// A digest of the source's column names and types at the last refresh; a change means
    /// schema drift and a full rebuild.
    public var schemaFingerprint: String?
    /// Rows in the last published version.
    public var rows: Int?
    public var lastFullRefresh: Date?
    public var lastReconcile: Date?
    /// When the last refresh succeeded (with or without a new version).
    public var lastSuccess: Date?
    /// How long the last successful refresh took, in seconds.
    public var lastDuration: Double?
    /// The last failure's message, cleared by the next success.
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Failures since the last success, for backoff.
    public var consecutiveFailures: Int
    /// The current version's files as they were when written or last verified against their
    /// checksum, by path: a file whose size or modification time differs has been written
    /// since, and is verified before it is linked into a new version (`PublishedFileCheck`).
    public var publishedFiles: [String: PublishedFileStamp]

    public init(
        watermark: Int64? = nil,
        version: Int = 0,
        schemaFingerprint: String? = nil,
        rows: Int? = nil,
        lastFullRefresh: Date? = nil,
        lastReconcile: Date? = nil,
        lastSuccess: Date? = nil,
        lastDuration: Double? = nil,
        lastError: String? = nil,
        lastErrorAt: Date? = nil,
        consecutiveFailures: Int = 0,
        publishedFiles: [String: PublishedFileStamp] = [:]
    ) {
        self.formatVersion = Self.currentFormatVersion
        self.watermark = watermark
        self.version = version
        self.schemaFingerprint = schemaFingerprint
        self.rows = rows
        self.lastFullRefresh = lastFullRefresh
        self.lastReconcile = lastReconcile
        self.lastSuccess = lastSuccess
        self.lastDuration = lastDuration
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.consecutiveFailures = consecutiveFailures
        self.publishedFiles = publishedFiles
    }

    /// Whether `every` has passed since the last reconciliation (a full snapshot counts as
    /// one), or there has been none.
    public func isReconciliationDue(every: Duration, now: Date) -> Bool {
        lastReconcile.map { now.timeIntervalSince($0) >= every.timeInterval } ?? true
    }

    enum CodingKeys: String, CodingKey {
        case watermark, version, rows
        case formatVersion = "format_version"
        case schemaFingerprint = "schema_fingerprint"
        case lastFullRefresh = "last_full_refresh"
        case lastReconcile = "last_reconcile"
        case lastSuccess = "last_success"
        case lastDuration = "last_duration_seconds"
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
        case consecutiveFailures = "consecutive_failures"
        case publishedFiles = "published_files"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        guard formatVersion <= Self.currentFormatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .formatVersion,
                in: c,
                debugDescription:
                    "format_version \(formatVersion) is newer than this program's \(Self.currentFormatVersion)"
            )
        }
        watermark = try c.decodeIfPresent(Int64.self, forKey: .watermark)
        version = try c.decode(Int.self, forKey: .version)
        schemaFingerprint = try c.decodeIfPresent(String.self, forKey: .schemaFingerprint)
        rows = try c.decodeIfPresent(Int.self, forKey: .rows)
        lastFullRefresh = try c.decodeIfPresent(Date.self, forKey: .lastFullRefresh)
        lastReconcile = try c.decodeIfPresent(Date.self, forKey: .lastReconcile)
        lastSuccess = try c.decodeIfPresent(Date.self, forKey: .lastSuccess)
        lastDuration = try c.decodeIfPresent(Double.self, forKey: .lastDuration)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        lastErrorAt = try c.decodeIfPresent(Date.self, forKey: .lastErrorAt)
        consecutiveFailures = try c.decodeIfPresent(Int.self, forKey: .consecutiveFailures) ?? 0
        publishedFiles = try c.decodeIfPresent([String: PublishedFileStamp].self, forKey: .publishedFiles) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(watermark, forKey: .watermark)
        try c.encode(version, forKey: .version)
        try c.encode(schemaFingerprint, forKey: .schemaFingerprint)
        try c.encode(rows, forKey: .rows)
        try c.encode(lastFullRefresh, forKey: .lastFullRefresh)
        try c.encode(lastReconcile, forKey: .lastReconcile)
        try c.encode(lastSuccess, forKey: .lastSuccess)
        try c.encode(lastDuration, forKey: .lastDuration)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(lastErrorAt, forKey: .lastErrorAt)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try c.encode(publishedFiles, forKey: .publishedFiles)
    }
}

/// A published file as the publisher last knew it good: its size and modification time (which
/// a hard link keeps and any write changes) and when its checksum was last verified.
public struct PublishedFileStamp: Codable, Sendable, Equatable {
    public var size: Int64
    /// `st_mtim`, nanoseconds since the epoch.
    public var modifiedNanoseconds: Int64
    public var verifiedAt: Date

    public init(size: Int64, modifiedNanoseconds: Int64, verifiedAt: Date) {
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.verifiedAt = verifiedAt
    }

    enum CodingKeys: String, CodingKey {
        case size
        case modifiedNanoseconds = "mtime_ns"
        case verifiedAt = "verified_at"
    }
}
