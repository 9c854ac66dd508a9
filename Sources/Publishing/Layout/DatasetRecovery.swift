import Logging

/// What a writer does first, under the dataset's lock: whatever an interrupted publish of the
/// dataset left is removed or completed. Under the lock no live process is writing the
/// dataset, so everything temporary in its folder is a dead process's leftover:
///
/// - `.staging-*`, `.current-*`, `.removing-*` and versions newer than `current` go
///   (`DatasetDirectory.removeLeftovers`);
/// - temporary manifests go (under the manifest's own lock), and the dataset's manifest entry is
///   set to `current` when a crash came between the swap of `current` and the manifest update;
/// - the dataset's temporary state files go.
///
/// Every refresh (`refresh` and the daemon's cycles) runs it, so a crash is repaired by the
/// next writer, whichever it is.
public struct DatasetRecovery: Sendable {
    public let configuration: Configuration
    public let dataset: String
    public let logger: Logger

    public init(configuration: Configuration, dataset: String, logger: Logger) {
        self.configuration = configuration
        self.dataset = dataset
        self.logger = logger
    }

    /// Runs the checks; call it with the dataset's `DatasetLock` held.
    public func run() throws {
        let directory = DatasetDirectory(root: configuration.publish.directory, dataset: dataset)
        try FileOperations.makeDirectories(directory.path)
        let removed = try directory.removeLeftovers()
        if !removed.isEmpty {
            logger.notice(
                "removed leftovers of an interrupted publish",
                metadata: ["dataset": "\(dataset)", "files": "\(removed)"]
            )
        }
        let manifest = ManifestStore(root: configuration.publish.directory)
        let manifests = try manifest.removeLeftovers()
        let states = try StateStore(directory: configuration.publish.stateDirectory).removeLeftovers(dataset: dataset)
        if !manifests.isEmpty || !states.isEmpty {
            logger.notice(
                "removed temporary files of an interrupted write",
                metadata: ["dataset": "\(dataset)", "files": "\(manifests + states)"]
            )
        }
        do {
            if try manifest.repair(directory) {
                let current = try directory.currentVersion() ?? 0
                logger.notice(
                    "manifest.json repaired to name the current version, v\(current)",
                    metadata: ["dataset": "\(dataset)"]
                )
            }
        } catch let error as FileSystemError where error.code == .unexpectedContent {
            // The current version's index cannot be read: the refresh rebuilds the dataset,
            // and its publish writes the manifest entry.
            logger.warning(
                "manifest.json names another version than current, whose index cannot be read: \(error)",
                metadata: ["dataset": "\(dataset)"]
            )
        }
    }
}
