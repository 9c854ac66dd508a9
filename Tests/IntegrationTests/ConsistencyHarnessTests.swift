import Foundation
import Logging
import MySQLSource
import Parquet
import Publishing
import TestSupport
import Testing

/// The published data equals the source after concurrent writes, whatever the writes were:
/// updates in the watermark's second, late commits with an older updated_at, moves across
/// partitions, hard deletes, NULL updated_at, writes that bypass updated_at.
@Suite(.requiresMySQL, .serialized)
struct ConsistencyHarness {
    /// Cycles in CI; `make soak` raises it with PP_SOAK_CYCLES.
    static var cycles: Int { Int(ProcessInfo.processInfo.environment["PP_SOAK_CYCLES"] ?? "") ?? 50 }

    @Test(arguments: [true, false])
    func publishedRowsEqualTheSourceAfterConcurrentWrites(updatedAtIndexed: Bool) throws {
        let server = try TestEnvironment.requireMySQL()
        let table = "consistency_\(updatedAtIndexed ? "indexed" : "scan")_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try HarnessDatabase.admin(server)
        defer {
            try? admin.execute("DROP TABLE IF EXISTS `\(table)`")
            admin.close()
        }
        try admin.execute(
            """
            CREATE TABLE `\(table)` (
              id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
              created_at DATETIME(6) NOT NULL,
              updated_at DATETIME(6) NULL,
              amount DECIMAL(12,2) NOT NULL,
              status ENUM('new','paid','shipped','cancelled') NOT NULL,
              note VARCHAR(64) NULL
              \(updatedAtIndexed ? ", KEY (updated_at)" : "")
            )
            """
        )
        try admin.execute(
            """
            INSERT INTO `\(table)` SELECT seq, TIMESTAMPADD(HOUR, seq, '2024-01-01'), UTC_TIMESTAMP(6), seq / 10, 'new',
                   IF(seq % 3 = 0, NULL, CONCAT('n', seq))
            FROM seq_1_to_2000
            """
        )
        let directory = TemporaryDirectory()
        let configuration = try HarnessDatabase.configuration(
            server: server,
            table: table,
            directory: directory.url.path,
            lookback: "20s",
            reconcileEvery: "24h"
        )
        let refresher = try HarnessDatabase.refresher(configuration)
        try refresher.refresh()

        // Writers run while the refresh loop publishes.
        let stop = HarnessFlag()
        let writer = Thread {
            do {
                let connection = try HarnessDatabase.admin(server)
                defer { connection.close() }
                var random = SystemRandomNumberGenerator()
                var nextID = 2001
                while !stop.isSet {
                    let id = Int.random(in: 1..<nextID, using: &random)
                    switch Int.random(in: 0..<100, using: &random) {
                    case 0..<25:  // an ordinary update
                        try connection.execute(
                            """
                            UPDATE `\(table)` SET amount = amount + 1, status = 'paid', updated_at = UTC_TIMESTAMP(6) \
                            WHERE id = \(id)
                            """
                        )
                    case 25..<40:  // an insert
                        try connection.execute(
                            """
                            INSERT INTO `\(table)` VALUES (\(nextID), TIMESTAMPADD(HOUR, \(nextID), '2024-01-01'), \
                            UTC_TIMESTAMP(6), 1.50, 'new', 'fresh')
                            """
                        )
                        nextID += 1
                    case 40..<50:  // a late commit: updated_at set back, within the lookback
                        try connection.execute(
                            """
                            UPDATE `\(table)` SET note = 'late', updated_at = TIMESTAMPADD(SECOND, -8, \
                            UTC_TIMESTAMP(6)) WHERE id = \(id)
                            """
                        )
                    case 50..<60:  // a move to another partition
                        try connection.execute(
                            """
                            UPDATE `\(table)` SET created_at = TIMESTAMPADD(DAY, \
                            \(Int.random(in: -90...90, using: &random)), created_at), updated_at = UTC_TIMESTAMP(6) \
                            WHERE id = \(id)
                            """
                        )
                    case 60..<68:  // a hard delete
                        try connection.execute("DELETE FROM `\(table)` WHERE id = \(id)")
                    case 68..<74:  // updated_at becomes NULL
                        try connection.execute(
                            "UPDATE `\(table)` SET note = 'null-ts', updated_at = NULL WHERE id = \(id)"
                        )
                    case 74..<80:  // a write that bypasses updated_at
                        try connection.execute(
                            "UPDATE `\(table)` SET amount = amount + 100, updated_at = updated_at WHERE id = \(id)"
                        )
                    case 80..<90:  // several updates in the same second as the watermark
                        try connection.execute(
                            """
                            UPDATE `\(table)` SET note = CONCAT('burst', \(id)), updated_at = UTC_TIMESTAMP(6) WHERE \
                            id BETWEEN \(id) AND \(id + 5)
                            """
                        )
                    default:  // NULLs in data columns
                        try connection.execute(
                            "UPDATE `\(table)` SET note = NULL, updated_at = UTC_TIMESTAMP(6) WHERE id = \(id)"
                        )
                    }
                    usleep(UInt32.random(in: 0...3_000, using: &random))
                }
            } catch {
                stop.fail("writer: \(error)")
            }
        }
        writer.start()
        var published = 0
        for _ in 0..<Self.cycles {
            let result = try refresher.refresh()
            if result.version != nil { published += 1 }
        }
        stop.set()
        while !writer.isFinished { usleep(10_000) }
        #expect(stop.failure == nil, "\(stop.failure ?? "")")
        #expect(published > 0, "the refresh loop published no version while writers ran")

        // After the writers stop: one refresh plus one reconcile.
        try refresher.refresh(reconcile: true)
        let source = try HarnessDatabase.sourceRows(server: server, table: table, configuration: configuration)
        let copy = try HarnessDatabase.publishedRows(configuration: configuration, dataset: "harness")
        try HarnessDatabase.expectEqual(published: copy, source: source)
    }

    @Test func aKilledRefreshLeavesThePreviousVersionWholeAndTheNextOneRecovers() throws {
        let server = try TestEnvironment.requireMySQL()
        let table = "killed_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try HarnessDatabase.admin(server)
        defer {
            try? admin.execute("DROP TABLE IF EXISTS `\(table)`")
            admin.close()
        }
        try admin.execute(
            """
            CREATE TABLE `\(table)` (id BIGINT NOT NULL PRIMARY KEY, created_at DATETIME(6) NOT NULL,
              updated_at DATETIME(6) NOT NULL, payload VARCHAR(200) NOT NULL, KEY (updated_at))
            """
        )
        try admin.execute(
            """
            INSERT INTO `\(table)` SELECT seq, TIMESTAMPADD(MINUTE, seq, '2023-01-01'), UTC_TIMESTAMP(6),
                   REPEAT(CHAR(65 + seq % 26), 150) FROM seq_1_to_300000
            """
        )
        let directory = TemporaryDirectory()
        let configuration = try HarnessDatabase.configuration(
            server: server,
            table: table,
            directory: directory.url.path,
            lookback: "1h",
            reconcileEvery: "24h"
        )
        let binary = try HarnessDatabase.binary()
        let configPath = directory.url.appendingPathComponent("config.toml").path
        // A first version to protect.
        #expect(try runProcess(binary, ["refresh", "--config", configPath]).status == 0)
        let datasetDirectory = configuration.publish.directory + "/harness"
        let before = try HarnessDatabase.publishedRows(configuration: configuration, dataset: "harness")

        var random = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["refresh", "--full", "--config", configPath]
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 50_000...1_500_000, using: &random))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // Whatever point it died at, `current` is whole and equal to what was there.
            let after = try HarnessDatabase.publishedRows(configuration: configuration, dataset: "harness")
            #expect(after.rowCount == before.rowCount)
        }
        let recovered = try runProcess(binary, ["refresh", "--full", "--config", configPath])
        #expect(recovered.status == 0, "\(recovered.standardError)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: datasetDirectory).filter {
            $0.hasPrefix(".") && $0 != ".published-at"
        }
        #expect(leftovers.isEmpty, "leftovers after recovery: \(leftovers)")
        let source = try HarnessDatabase.sourceRows(server: server, table: table, configuration: configuration)
        try HarnessDatabase.expectEqual(
            published: try HarnessDatabase.publishedRows(configuration: configuration, dataset: "harness"),
            source: source
        )
    }
}

final class HarnessFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var message: String?
    var isSet: Bool { lock.withLock { value } }
    var failure: String? { lock.withLock { message } }
    func set() { lock.withLock { value = true } }
    func fail(_ text: String) {
        lock.withLock {
            message = text
            value = true
        }
    }
}

/// Setup and comparison shared by the harness tests.
enum HarnessDatabase {
    static func admin(_ server: MySQLTestServer) throws -> MySQLConnection {
        try MySQLConnection(
            options: MySQLConnectionOptions(
                host: server.host,
                port: server.port,
                user: server.admin.user,
                password: server.admin.password,
                database: server.database
            )
        )
    }

    static func configuration(
        server: MySQLTestServer,
        table: String,
        directory: String,
        lookback: String,
        reconcileEvery: String,
        extra: String = "",
        keepVersionsFor: String = "1h"
    ) throws -> Configuration {
        let passwordFile = directory + "/reader-password"
        FileManager.default.createFile(
            atPath: passwordFile,
            contents: Data(server.reader.password.utf8),
            attributes: [.posixPermissions: 0o600]
        )
        let toml = """
            [source]
            host = "\(server.host)"
            port = \(server.port)
            user = "\(server.reader.user)"
            password_file = "\(passwordFile)"
            database = "\(server.database)"

            [publish]
            directory = "\(directory)/public"
            state_directory = "\(directory)/state"
            keep_versions_for = "\(keepVersionsFor)"

            [[dataset]]
            name = "harness"
            table = "\(table)"
            primary_key = ["id"]
            updated_at = "updated_at"
            partition_by = "created_at"
            partition_granularity = "month"
            row_group_granularity = "day"
            every = "5m"
            lookback = "\(lookback)"
            reconcile_every = "\(reconcileEvery)"
            \(extra)
            """
        let path = directory + "/config.toml"
        try toml.write(toFile: path, atomically: true, encoding: .utf8)
        return try Configuration.load(contentsOf: path)
    }

    static func refresher(_ configuration: Configuration) throws -> DatasetRefresher {
        var logger = Logger(label: "harness")
        logger.logLevel = .warning
        let connector = try SourceConnector(configuration: configuration, logger: logger)
        let refresher = DatasetRefresher(
            configuration: configuration,
            dataset: configuration.datasets[0],
            connector: connector,
            logger: logger
        )
        refresher.chunkRows = 700  // several chunks, so chunking and reconciliation bounds are exercised
        return refresher
    }

    /// The built CLI, next to the test bundle's build products.
    static func binary() throws -> String {
        let candidates = ["debug", "release"].map {
            TestEnvironment.repositoryRoot.appendingPathComponent(".build/\($0)/parquet-publisher").path
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestEnvironmentError(
                code: .invalidVariable,
                message: "parquet-publisher is not built (looked at \(candidates))"
            )
        }
        return found
    }

    /// `SELECT *` of the source in key order, through the same type mapping as the refresh.
    static func sourceRows(server: MySQLTestServer, table: String, configuration: Configuration) throws -> RecordBatch {
        let connection = try admin(server)
        defer { connection.close() }
        let described = try connection.describeTable(schema: server.database, table: table)
        let columns = described.columns.map { "`\($0.name)`" }.joined(separator: ", ")
        let stream = try connection.stream(
            sql: "SELECT \(columns) FROM `\(table)` ORDER BY id",
            columns: described.columns
        )
        var batches: [RecordBatch] = []
        while let batch = try stream.next(maxRows: 10_000) { batches.append(batch) }
        stream.close()
        return concatenate(batches, schema: described.parquetSchema)
    }

    /// Every published row of the current version, in key order.
    static func publishedRows(configuration: Configuration, dataset: String) throws -> RecordBatch {
        let current = configuration.publish.directory + "/" + dataset + "/current"
        let indexData = try Data(contentsOf: URL(fileURLWithPath: current + "/index.json"))
        let index = try DatasetIndex.decode(Array(indexData))
        var batches: [RecordBatch] = []
        var schema: ParquetSchema?
        for file in index.files {
            let reader = try ParquetFileReader(path: current + "/" + file.path)
            #expect(
                reader.rowCount == file.rows,
                "\(file.path): index says \(file.rows) rows, the file \(reader.rowCount)"
            )
            let attributes = try FileManager.default.attributesOfItem(atPath: current + "/" + file.path)
            #expect(
                (attributes[.size] as? Int) == Int(file.bytes),
                "\(file.path): index bytes differ from the file's size"
            )
            schema = reader.schema
            batches.append(try reader.readAll())
        }
        guard let schema else { return RecordBatch(emptyWith: ParquetSchema(columns: [])) }
        let all = concatenate(batches, schema: schema)
        // Key order: the harness tables key on `id`, the first column (BIGINT UNSIGNED or INT).
        switch all.columns[0].values {
        case .int64(let ids):
            return all.gather(ids.indices.sorted { UInt64(bitPattern: ids[$0]) < UInt64(bitPattern: ids[$1]) })
        case .int32(let ids): return all.gather(ids.indices.sorted { ids[$0] < ids[$1] })
        default: return all
        }
    }

    static func concatenate(_ batches: [RecordBatch], schema: ParquetSchema) -> RecordBatch {
        guard !batches.isEmpty else { return RecordBatch(emptyWith: schema) }
        return RecordBatch(
            schema: schema,
            columns: schema.columns.indices.map { c in Column.concatenate(batches.map { $0.columns[c] }) }
        )
    }

    /// Value by value: zero rows lost, stale or duplicated.
    static func expectEqual(
        published: RecordBatch,
        source: RecordBatch,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(
            published.schema.columns.map(\.name) == source.schema.columns.map(\.name),
            sourceLocation: sourceLocation
        )
        #expect(
            published.rowCount == source.rowCount,
            "published \(published.rowCount) rows, the source has \(source.rowCount)",
            sourceLocation: sourceLocation
        )
        var differences: [String] = []
        for c in source.columns.indices {
            let a = published.columns[c]
            let b = source.columns[c]
            guard a.count == b.count else { continue }
            for row in 0..<a.count where a.isNull(row) != b.isNull(row) || (!a.isNull(row) && !valueEqual(a, b, row)) {
                differences.append("row \(row) column \(source.schema.columns[c].name)")
                if differences.count > 10 { break }
            }
        }
        #expect(
            differences.isEmpty,
            "published rows differ from the source: \(differences)",
            sourceLocation: sourceLocation
        )
    }

    private static func valueEqual(_ a: Column, _ b: Column, _ row: Int) -> Bool {
        switch (a.values, b.values) {
        case (.int32(let x), .int32(let y)): x[row] == y[row]
        case (.int64(let x), .int64(let y)): x[row] == y[row]
        case (.double(let x), .double(let y)): x[row].bitPattern == y[row].bitPattern
        case (.float(let x), .float(let y)): x[row].bitPattern == y[row].bitPattern
        case (.boolean(let x), .boolean(let y)): x[row] == y[row]
        case (.byteArray(let x), .byteArray(let y)): x[row] == y[row]
        case (.fixedLenByteArray(let x), .fixedLenByteArray(let y)): x[row] == y[row]
        default: false
        }
    }
}
