import Delivery
import Foundation
import Logging
import Publishing
import TestSupport

/// A publish directory with versions made through Publishing's own API (staging, hard links to
/// the previous version, commit, manifest, retention), without MySQL: delivery only reads
/// what a publish leaves, so these tests need no database.
final class PublishFixture: @unchecked Sendable {
    let scratch: TemporaryDirectory
    var keepVersionsFor: Duration
    /// The MySQL password the configuration's password_file holds (a secret to redact).
    let mysqlPassword = "mysql-Pa55word-\(UInt32.random(in: 0...UInt32.max))"

    init(keepVersionsFor: Duration = .seconds(3600)) throws {
        scratch = try TemporaryDirectory(prefix: "pp-delivery")
        self.keepVersionsFor = keepVersionsFor
        try Data(mysqlPassword.utf8).write(to: URL(fileURLWithPath: passwordFile))
        chmod(passwordFile, 0o600)
    }

    var root: String { scratch.path }
    var publishDirectory: String { root + "/public" }
    var stateDirectory: String { root + "/state" }
    var passwordFile: String { root + "/mysql-password" }

    /// A configuration publishing `datasets` to `targets` (no database is ever contacted).
    func configuration(datasets: [String], targets: [TargetConfiguration]) -> Configuration {
        var source = SourceConfiguration(user: "reader")
        source.passwordFile = passwordFile
        source.database = "shop"
        var publish = PublishConfiguration(directory: publishDirectory, stateDirectory: stateDirectory)
        publish.keepVersionsFor = keepVersionsFor
        return Configuration(
            file: root + "/config.toml",
            source: source,
            publish: publish,
            datasets: datasets.map {
                DatasetConfiguration(name: $0, source: .table(schema: nil, name: $0), primaryKey: ["id"])
            },
            targets: targets
        )
    }

    /// Publishes the next version of `dataset`: `changed` files written anew, every other file
    /// of the previous version hard-linked (as an incremental refresh leaves unchanged
    /// partitions), then index.json, commit, manifest and retention. - Returns: the version.
    @discardableResult
    func publish(_ dataset: String, changed: [String: String], now: Date = Date()) throws -> Int {
        let directory = DatasetDirectory(root: publishDirectory, dataset: dataset)
        let previous = try directory.currentVersion()
        let staging = try directory.beginVersion(try directory.nextVersion())
        var names = Set(changed.keys)
        if let previous {
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.versionPath(previous))
            for file in files where file.hasSuffix(".parquet") && changed[file] == nil {
                try staging.linkUnchanged(file, from: previous)
                names.insert(file)
            }
        }
        for (name, content) in changed {
            try Data(content.utf8).write(to: URL(fileURLWithPath: staging.path(for: name)))
        }
        let files = try names.sorted().map { name in
            let size = try FileManager.default.attributesOfItem(atPath: staging.path(for: name))[.size] as! Int
            return IndexFile(
                path: name,
                partition: String(name.dropLast(".parquet".count)),
                rows: 1,
                bytes: Int64(size),
                min: nil,
                max: nil,
                rowGroups: []
            )
        }
        let index = DatasetIndex(
            dataset: dataset,
            version: staging.version,
            publishedAt: now,
            partitionBy: nil,
            partitionGranularity: .none,
            rowGroupGranularity: nil,
            primaryKey: ["id"],
            schema: [],
            files: files
        )
        try staging.writeFileAtomically(DatasetIndex.fileName, data: try index.encoded())
        let version = try staging.commit(now: now)
        try ManifestStore(root: publishDirectory).update(
            dataset: dataset,
            entry: Manifest.Entry(dataset: dataset, version: version, publishedAt: now, rows: files.count),
            now: now
        )
        _ = try directory.removeVersions(olderThan: keepVersionsFor, now: now)
        return version
    }

    /// An executable bash script in the scratch directory.
    func script(_ name: String, _ body: String) throws -> String {
        let path = root + "/" + name
        try ("#!/usr/bin/env bash\nset -euo pipefail\n" + body + "\n").write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        chmod(path, 0o755)
        return path
    }

    /// The repository's recipe `deliver-<name>`.
    static func recipe(_ name: String) -> String {
        TestEnvironment.repositoryRoot.appendingPathComponent("recipes/deliver-\(name)").path
    }

    /// The environment target commands get in these tests: PATH and HOME only, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let own = ProcessInfo.processInfo.environment
        var environment = ["PATH": own["PATH"] ?? "/usr/bin:/bin", "HOME": root]
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// One cycle of `target`, as the daemon runs it.
    func deliver(
        _ target: TargetConfiguration,
        datasets: [String],
        logger: Logger,
        environment extra: [String: String] = [:]
    ) -> TargetDelivery.Report {
        TargetDelivery(
            configuration: configuration(datasets: datasets, targets: [target]),
            target: target,
            logger: logger,
            environment: environment(extra)
        ).run()
    }

    func state(of target: String) throws -> TargetState {
        try TargetStateStore(stateDirectory: stateDirectory, target: target).load()
    }
}

/// The manifest.json at a path, decoded the way readers see it.
func manifestVersions(at path: String) throws -> [String: Int] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let datasets = object?["datasets"] as? [String: [String: Any]] ?? [:]
    return datasets.compactMapValues { $0["version"] as? Int }
}
