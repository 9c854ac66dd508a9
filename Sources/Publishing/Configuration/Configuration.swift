import Foundation

/// The whole configuration file: one `[source]`, one `[publish]`, one or more `[[dataset]]`.
/// docs/configuration.md documents every key; each section's `keys` declare them for the code.
public struct Configuration: Sendable, Equatable {
    /// The file it was read from, as named.
    public var file: String
    public var source: SourceConfiguration
    public var publish: PublishConfiguration
    public var datasets: [DatasetConfiguration]
    /// `[[target]]`: where each new version is carried after the local publish (docs/delivery.md).
    public var targets: [TargetConfiguration]
    /// `[[rollup]]`: aggregates computed from a dataset's published files (docs/rollups.md).
    public var rollups: [RollupConfiguration] = []

    public init(
        file: String,
        source: SourceConfiguration,
        publish: PublishConfiguration,
        datasets: [DatasetConfiguration],
        targets: [TargetConfiguration] = [],
        rollups: [RollupConfiguration] = []
    ) {
        self.file = file
        self.source = source
        self.publish = publish
        self.datasets = datasets
        self.targets = targets
        self.rollups = rollups
    }

    public func dataset(named name: String) -> DatasetConfiguration? {
        datasets.first { $0.name == name }
    }

    /// Reads and validates the file at `path`.
    /// - Throws: `ConfigurationErrors` with every problem found (not only the first).
    public static func load(contentsOf path: String) throws -> Configuration {
        let bytes: [UInt8]
        do {
            bytes = try FileOperations.readFile(path)
        } catch let error as FileSystemError {
            let detail = error.errno.map { SystemErrno.describe($0) } ?? error.message
            throw ConfigurationErrors([
                ConfigurationError(code: .unreadable, file: path, key: nil, message: "cannot read the file: \(detail)")
            ])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationErrors([
                ConfigurationError(code: .syntax, file: path, key: nil, message: "the file is not UTF-8 text")
            ])
        }
        return try parse(text, path: path)
    }

    /// Validates `toml` as if read from `path`: relative paths in it resolve against `path`'s folder.
    /// - Throws: `ConfigurationErrors` with every problem found (not only the first).
    public static func parse(_ toml: String, path: String) throws -> Configuration {
        var configuration = try readDocument(toml, path: path)
        configuration.file = path
        return configuration
    }
}

extension Configuration: ConfigurationSection {
    /// The file's sections, in the order they are read (later ones may consult earlier ones).
    static var keys: [ConfigurationKey<Self>] {
        [
            .table("source", \.source),
            .table("publish", \.publish),
            .tables("dataset", \.datasets, ifNone: "nothing to publish"),
            .tables("rollup", \.rollups),
            .tables("target", \.targets),
        ]
    }

    init() {
        self.init(file: "", source: SourceConfiguration(), publish: PublishConfiguration(), datasets: [])
    }
}

/// Every key the file may hold, per table, from the sections' declarations. Unknown keys are
/// errors; docs/configuration.md has a row for each of these (a test checks it).
public enum ConfigurationKeys {
    public static var topLevel: [String] { Configuration.keyNames }
    public static var source: [String] { SourceConfiguration.keyNames }
    public static var publish: [String] { PublishConfiguration.keyNames }
    public static var dataset: [String] { DatasetConfiguration.keyNames }
    public static var target: [String] { TargetConfiguration.keyNames }
    public static var rollup: [String] { RollupConfiguration.keyNames }
}
