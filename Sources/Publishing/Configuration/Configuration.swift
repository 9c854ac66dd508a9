import Foundation
import TOMLKit

/// The whole configuration file: one `[source]`, one `[publish]`, one or more `[[dataset]]`.
/// docs/configuration.md documents every key; `ConfigurationKeys` lists them for the code.
public struct Configuration: Sendable, Equatable {
    /// The file it was read from, as named.
    public var file: String
    public var source: SourceConfiguration
    public var publish: PublishConfiguration
    public var datasets: [DatasetConfiguration]
    /// `[[target]]`: where each new version is carried after the local publish (docs/delivery.md).
    public var targets: [TargetConfiguration]

    public init(
        file: String,
        source: SourceConfiguration,
        publish: PublishConfiguration,
        datasets: [DatasetConfiguration],
        targets: [TargetConfiguration] = []
    ) {
        self.file = file
        self.source = source
        self.publish = publish
        self.datasets = datasets
        self.targets = targets
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
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parser = ConfigurationParser(
            file: path,
            baseDirectory: FileOperations.parentDirectory(of: PathResolution.normalize(absolute))
        )
        let configuration = parser.parse(toml)
        guard parser.errors.isEmpty, let configuration else {
            throw ConfigurationErrors(parser.errors)
        }
        return configuration
    }
}

/// Every key the file may hold, per table. Unknown keys are errors; docs/configuration.md has
/// a row for each of these (a test checks it).
public enum ConfigurationKeys {
    public static let topLevel = ["source", "publish", "dataset", "target"]
    public static let source = [
        "host", "socket", "port", "user", "password_file", "option_file", "database",
        "ssl_mode", "ssl_ca", "ssl_cert", "ssl_key", "connect_timeout", "read_timeout",
    ]
    public static let publish = [
        "directory", "state_directory", "keep_versions_for", "compression_level", "metrics_file",
        "max_concurrent_refreshes", "encoding_priority",
    ]
    public static let dataset = [
        "name", "table", "query", "columns", "primary_key", "updated_at", "partition_by",
        "partition_granularity", "row_group_granularity", "every", "lookback", "max_rows_per_row_group",
        "reconcile_every", "deleted_column", "compression_level", "refresh_timeout", "chunk_rows",
    ]
    public static let target = ["name", "datasets", "command", "timeout", "max_backoff"]
}
