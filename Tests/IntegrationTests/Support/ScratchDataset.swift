import Foundation
import Logging
import Publishing
import TestSupport
import Testing

/// One test's own MySQL table and a configuration that publishes it into a scratch directory,
/// the way production runs: the table is made by the admin account, the refresh reads it as
/// the SELECT-only reader, whose password sits in a 0600 `password_file`.
///
/// The table name is unique, so suites run in parallel; it is dropped when the value goes.
final class ScratchDataset: @unchecked Sendable {
    let server: MySQLTestServer
    let table: String
    let scratch: TemporaryDirectory
    /// The dataset's name in the configuration (and its folder under `publicDirectory`).
    let name: String
    private(set) var configuration: Configuration?

    /// Creates the table `<prefix>_<random>` with `columns` (the inside of CREATE TABLE's
    /// parentheses), in utf8mb4.
    init(_ prefix: String, columns: String, dataset name: String = "ds", server: MySQLTestServer? = nil) throws {
        self.server = try server ?? TestEnvironment.requireMySQL()
        table = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        scratch = try TemporaryDirectory(prefix: "pp-itest-\(prefix)")
        self.name = name
        try admin("CREATE TABLE `\(table)` (\(columns)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci")
    }

    deinit {
        _ = try? server.runSQL("DROP TABLE IF EXISTS `\(table)`", as: .admin)
    }

    var root: String { scratch.path }
    var publicDirectory: String { root + "/public" }
    var stateDirectory: String { root + "/state" }
    var configPath: String { root + "/config.toml" }
    var datasetPath: String { publicDirectory + "/" + name }
    var directory: DatasetDirectory { DatasetDirectory(root: publicDirectory, dataset: name) }

    /// Runs SQL as the admin (fixtures); `$T` stands for the table.
    @discardableResult
    func admin(_ sql: String) throws -> [[String]] {
        try server.query(sql.replacingOccurrences(of: "$T", with: "`\(table)`"), as: .admin)
    }

    /// The `[source]` table for the reader account (its password written to a 0600 file).
    func sourceSection() throws -> String {
        let passwordFile = root + "/reader-password"
        if !FileManager.default.fileExists(atPath: passwordFile) {
            guard
                FileManager.default.createFile(
                    atPath: passwordFile,
                    contents: Data(server.reader.password.utf8),
                    attributes: [.posixPermissions: 0o600]
                )
            else { throw CocoaError(.fileWriteUnknown) }
        }
        return """
            [source]
            host = "\(server.host)"
            port = \(server.port)
            user = "\(server.reader.user)"
            password_file = "\(passwordFile)"
            database = "\(server.database)"
            """
    }

    /// Writes config.toml publishing this table as dataset `name` with `datasetKeys` (every
    /// key but name, table and, unless given, every), and loads it.
    @discardableResult
    func configure(
        _ datasetKeys: String,
        publish publishKeys: String = "keep_versions_for = \"1h\""
    ) throws
        -> Configuration
    {
        let every = datasetKeys.contains("every") ? "" : "\nevery = \"5m\""
        let toml = try """
        \(sourceSection())

        [publish]
        directory = "\(publicDirectory)"
        state_directory = "\(stateDirectory)"
        \(publishKeys)

        [[dataset]]
        name = "\(name)"
        table = "\(table)"
        \(datasetKeys)\(every)

        """
        try toml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let loaded = try Configuration.load(contentsOf: configPath)
        configuration = loaded
        return loaded
    }

    /// A refresher of the configured dataset, logging errors only (or to `logger`).
    func refresher(chunkRows: Int? = nil, batchRows: Int? = nil, logger: Logger? = nil) throws -> DatasetRefresher {
        let configuration = try #require(configuration, "configure() the dataset first")
        let logger =
            logger
            ?? {
                var quiet = Logger(label: "itest.\(name)")
                quiet.logLevel = .error
                return quiet
            }()
        let connector = try SourceConnector(configuration: configuration, logger: logger)
        let refresher = DatasetRefresher(
            configuration: configuration,
            dataset: try #require(configuration.dataset(named: name)),
            connector: connector,
            logger: logger
        )
        if let chunkRows { refresher.chunkRows = chunkRows }
        if let batchRows { refresher.batchRows = batchRows }
        return refresher
    }

    /// One refresh cycle in-process.
    @discardableResult
    func refresh(full: Bool = false, chunkRows: Int? = nil) throws -> RefreshResult {
        try refresher(chunkRows: chunkRows).refresh(full: full)
    }

    /// `<dataset>/v<N>` that `current` points at.
    func currentVersionPath() throws -> String {
        let version = try #require(try directory.currentVersion(), "nothing is published")
        return directory.versionPath(version)
    }

    func index(atVersionPath path: String) throws -> DatasetIndex {
        try DatasetIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path + "/index.json"))))
    }

    func currentIndex() throws -> DatasetIndex {
        try index(atVersionPath: try currentVersionPath())
    }

    /// The current version's Parquet file names (what is on disk, not what the index says).
    func currentFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: try currentVersionPath())
            .filter { $0.hasSuffix(".parquet") }.sorted()
    }

    /// The state file of the dataset as JSON.
    func stateJSON() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: stateDirectory + "/" + name + ".json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// The built `parquet-publisher`, for tests of exit codes and messages.
enum PublisherBinary {
    static func path() throws -> String {
        let candidates = ["debug", "release"].map {
            TestEnvironment.repositoryRoot.appendingPathComponent(".build/\($0)/parquet-publisher").path
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestEnvironmentError(
                code: .invalidVariable,
                message: "parquet-publisher is not built (looked at \(candidates)); swift build first"
            )
        }
        return found
    }

    static func run(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(try path(), arguments, environment: ["PARQUET_PUBLISHER_LOG_LEVEL": "warning"])
    }
}

extension Array where Element == [String] {
    /// Rows of `mariadb --batch` output with "NULL" as nil.
    var nullable: [[String?]] { map { $0.map { $0 == "NULL" ? nil : $0 } } }
}
