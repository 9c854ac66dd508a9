import Logging

/// What a writer does first, under the dataset's lock: whatever an interrupted publish of the
/// dataset left is removed or completed. Under the lock no live process is writing the
/// dataset, so everything temporary in its folder is a dead process's leftover:
///
/// - `.staging-*`, `.current-*`, `.removing-*` and versions newer than `current` go
///   (`DatasetDirectory.removeLeftovers`);
/// - temporary manifests go (under the manifest's own lock), and the dataset's manifest entry is
///   set to `current` when a crash came between the swap of `current` and the manifest update;
/// - the dataset's temporary state files go;
/// - its rollups' leftovers go, and a rollup entry computed from another version of the
///   dataset than the one manifest.json names is taken out (a crash between the base's commit
///   and the rollups'): a reader sees no rollup rather than a mismatched one, until this
///   refresh publishes the rollup again.
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
        try recoverRollups(manifest)
    }

    private func recoverRollups(_ manifest: ManifestStore) throws {
        let rollups = configuration.rollups.filter { $0.from == dataset }
        guard !rollups.isEmpty else { return }
        let baseVersion = try manifest.load()?.datasets[dataset]?.version
        for rollup in rollups {
            let removed = try DatasetDirectory(root: configuration.publish.directory, dataset: rollup.name)
                .removeLeftovers()
            if !removed.isEmpty {
                logger.notice(
                    "removed leftovers of an interrupted publish",
                    metadata: ["dataset": "\(rollup.name)", "files": "\(removed)"]
                )
            }
            guard let entry = try manifest.load()?.datasets[rollup.name], entry.sourceVersion != baseVersion else {
                continue
            }
            try manifest.remove(dataset: rollup.name)
            logger.notice(
                "manifest.json no longer names the rollup: it was computed from \(dataset) v\(entry.sourceVersion ?? 0), not v\(baseVersion ?? 0); this refresh recomputes it",
                metadata: ["dataset": "\(rollup.name)"]
            )
        }
    }
}
