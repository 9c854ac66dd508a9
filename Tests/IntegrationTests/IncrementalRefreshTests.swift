import Foundation
import MySQLSource
import Parquet
import Publishing
import TestSupport
import Testing

/// How an incremental refresh behaves, case by case, against the real server.
@Suite(.requiresMySQL)
struct IncrementalRefresh {
    /// A table of 600 orders over three months, published once in full.
    final class Fixture {
        let server: MySQLTestServer
        let table: String
        let admin: MySQLConnection
        let directory: TemporaryDirectory
        let configuration: Configuration
        let refresher: DatasetRefresher

        init(extraColumns: String = "", extraDataset: String = "") throws {
            server = try TestEnvironment.requireMySQL()
            table = "incremental_\(UInt32.random(in: 0...UInt32.max))"
            admin = try HarnessDatabase.admin(server)
            try admin.execute(
                """
                CREATE TABLE `\(table)` (id INT NOT NULL PRIMARY KEY, created_at DATETIME(6) NOT NULL,
                  updated_at DATETIME(6) NULL, amount DECIMAL(10,2) NOT NULL \(extraColumns), KEY (updated_at))
                """
            )
            try admin.execute(
                """
                INSERT INTO `\(table)` (id, created_at, updated_at, amount)
                SELECT seq, TIMESTAMPADD(HOUR, seq * 3, '2024-01-01'), UTC_TIMESTAMP(6), seq FROM seq_1_to_600
                """
            )
            directory = TemporaryDirectory()
            configuration = try HarnessDatabase.configuration(
                server: server,
                table: table,
                directory: directory.url.path,
                lookback: "1h",
                reconcileEvery: "24h",
                extra: extraDataset
            )
            refresher = try HarnessDatabase.refresher(configuration)
            let first = try refresher.refresh()
            #expect(first.full && first.version == 1)
        }

        deinit {
            try? admin.execute("DROP TABLE IF EXISTS `\(table)`")
            admin.close()
        }

        var datasetPath: String { configuration.publish.directory + "/harness" }

        func published() throws -> RecordBatch {
            try HarnessDatabase.publishedRows(configuration: configuration, dataset: "harness")
        }

        func source() throws -> RecordBatch {
            try HarnessDatabase.sourceRows(server: server, table: table, configuration: configuration)
        }

        func inode(version: Int, file: String) throws -> UInt64 {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(datasetPath)/v\(version)/\(file)")
            return (attributes[.systemFileNumber] as? UInt64) ?? 0
        }
    }

    @Test func aCycleWithoutChangesPublishesNoVersion() throws {
        let fixture = try Fixture()
        let result = try fixture.refresher.refresh()
        #expect(result.version == nil)
        #expect(result.rowsFetched == 600, "every row is within the lookback and read again, identical")
        #expect(
            try DatasetDirectory(root: fixture.configuration.publish.directory, dataset: "harness").currentVersion()
                == 1
        )
    }

    @Test func untouchedPartitionsAreHardLinksOfThePreviousVersion() throws {
        let fixture = try Fixture()
        try fixture.admin.execute(
            "UPDATE `\(fixture.table)` SET amount = 0.5, updated_at = UTC_TIMESTAMP(6) WHERE id = 3"
        )
        let result = try fixture.refresher.refresh()
        #expect(result.version == 2)
        #expect(result.filesRewritten == 1)
        #expect(
            try fixture.inode(version: 1, file: "2024-02.parquet") == fixture.inode(version: 2, file: "2024-02.parquet")
        )
        #expect(
            try fixture.inode(version: 1, file: "2024-01.parquet") != fixture.inode(version: 2, file: "2024-01.parquet")
        )
        try HarnessDatabase.expectEqual(published: fixture.published(), source: fixture.source())
    }

    @Test func aRowWhosePartitionColumnChangedMovesToItsNewPartition() throws {
        let fixture = try Fixture()
        try fixture.admin.execute(
            """
            UPDATE `\(fixture.table)` SET created_at = '2024-03-15 12:00:00', updated_at = UTC_TIMESTAMP(6) WHERE id \
            = 2
            """
        )
        try fixture.refresher.refresh()
        let january = try ParquetFileReader(path: fixture.datasetPath + "/current/2024-01.parquet").readAll(columns: [
            "id"
        ])
        guard case .int32(let ids) = january.columns[0].values else {
            Issue.record("id is not INT32")
            return
        }
        #expect(!ids.contains(2))
        try HarnessDatabase.expectEqual(published: fixture.published(), source: fixture.source())
    }

    @Test func rowsWithANullUpdatedAtAreRead() throws {
        let fixture = try Fixture()
        try fixture.admin.execute(
            "INSERT INTO `\(fixture.table)` (id, created_at, updated_at, amount) VALUES (1000, '2024-02-02', NULL, 7)"
        )
        try fixture.refresher.refresh()
        try HarnessDatabase.expectEqual(published: fixture.published(), source: fixture.source())
    }

    @Test func softDeletedRowsAreRemoved() throws {
        let fixture = try Fixture(
            extraColumns: ", deleted_at DATETIME NULL",
            extraDataset: "deleted_column = \"deleted_at\""
        )
        try fixture.admin.execute(
            """
            UPDATE `\(fixture.table)` SET deleted_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP(6) WHERE id IN (5, \
            6)
            """
        )
        try fixture.refresher.refresh()
        let published = try fixture.published()
        #expect(published.rowCount == 598)
        guard case .int32(let ids) = published.columns[0].values else {
            Issue.record("id is not INT32")
            return
        }
        #expect(!ids.contains(5) && !ids.contains(6))
    }

    @Test func schemaDriftRebuildsTheDatasetInFull() throws {
        let fixture = try Fixture()
        try fixture.admin.execute("ALTER TABLE `\(fixture.table)` ADD COLUMN channel VARCHAR(10) NULL DEFAULT 'web'")
        let result = try fixture.refresher.refresh()
        #expect(result.full)
        let published = try fixture.published()
        #expect(published.schema.columns.map(\.name).contains("channel"))
        try HarnessDatabase.expectEqual(published: published, source: fixture.source())
    }

    @Test func aTornStateFileIsAnErrorAndThePublishedDataStays() throws {
        let fixture = try Fixture()
        let stateFile = StateStore(directory: fixture.configuration.publish.stateDirectory).path(for: "harness")
        try Data("{\"format_version\": 1, \"vers".utf8).write(to: URL(fileURLWithPath: stateFile))
        try fixture.admin.execute(
            "UPDATE `\(fixture.table)` SET amount = 1, updated_at = UTC_TIMESTAMP(6) WHERE id = 9"
        )
        #expect(throws: (any Error).self) { try fixture.refresher.refresh() }
        #expect(
            try DatasetDirectory(root: fixture.configuration.publish.directory, dataset: "harness").currentVersion()
                == 1
        )
    }
}
