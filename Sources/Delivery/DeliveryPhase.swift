/// The three phases a target's command runs, in this order for each new version; each only
/// after the previous succeeded. A reader of the target never sees a manifest that names files
/// not yet there: `commit` runs only after its `upload` exited 0, and `remove` only for versions
/// no committed manifest names any more.
public enum DeliveryPhase: String, Sendable, CaseIterable, Codable {
    /// The new version's directory reaches the target.
    case upload
    /// The target's manifest.json replaces the old one.
    case commit
    /// A version that expired locally (`keep_versions_for`) goes from the target.
    case remove
}

/// The environment a phase's command reads (a contract: docs/delivery.md). The command gets no
/// extra arguments; it inherits the daemon's environment (PATH, HOME, CREDENTIALS_DIRECTORY)
/// with these added.
public struct PhaseEnvironment: Sendable, Equatable {
    public var phase: DeliveryPhase
    public var target: String
    public var dataset: String
    /// The version uploaded or committed, or the one removed.
    public var version: Int
    /// The target's view of the publish directory (`PP_PUBLISH_DIRECTORY`): its manifest.json is
    /// the target's own, naming only versions already uploaded there, and each dataset's folder
    /// is the published one (a symlink to it). Why not the publish directory itself: its
    /// manifest.json names every dataset's newest version, which this target may not have yet.
    public var publishDirectory: String
    /// The dataset's folder in the real publish directory.
    public var datasetDirectory: String
    /// The version the target had before (the one this replaces); nil when none.
    public var previousVersion: Int?

    public var versionPath: String { Self.path(dataset: dataset, version: version) }

    static func path(dataset: String, version: Int) -> String {
        "\(dataset)/v\(version)"
    }

    /// The PP_* variables.
    public var variables: [String: String] {
        [
            "PP_PHASE": phase.rawValue,
            "PP_TARGET": target,
            "PP_DATASET": dataset,
            "PP_VERSION": String(version),
            "PP_PUBLISH_DIRECTORY": publishDirectory,
            "PP_VERSION_PATH": versionPath,
            "PP_VERSION_DIRECTORY": datasetDirectory + "/v\(version)",
            "PP_PREVIOUS_VERSION": previousVersion.map(String.init) ?? "",
            "PP_PREVIOUS_VERSION_PATH": previousVersion.map { Self.path(dataset: dataset, version: $0) } ?? "",
            "PP_MANIFEST": publishDirectory + "/manifest.json",
        ]
    }
}
