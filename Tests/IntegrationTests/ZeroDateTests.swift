import Foundation
import Publishing
import TestSupport
import Testing

@Suite("Zero dates are published as NULL with a warning", .requiresMySQL, .requiresPythonReaders)
struct ZeroDatesArePublishedAsNull {
    /// Rows 1, 3, 4 and 5 hold zero dates (a zero month counts too); `sql_mode = ''` lets the
    /// admin store them, as legacy servers do.
    func makeDataset() throws -> ScratchDataset {
        let dataset = try ScratchDataset(
            "zero_dates",
            columns: "id INT NOT NULL PRIMARY KEY, d DATE NOT NULL, dtm DATETIME NOT NULL, note VARCHAR(10) NULL"
        )
        try dataset.admin(
            """
            SET SESSION sql_mode = '';
            INSERT INTO $T VALUES
              (1, '0000-00-00', '0000-00-00 00:00:00', 'both'),
              (2, '2024-05-06', '2024-05-06 07:08:09', 'none'),
              (3, '0000-00-00', '2024-05-07 00:00:00', 'date'),
              (4, '2024-05-08', '0000-00-00 00:00:00', 'datetime'),
              (5, '2024-00-10', '2024-06-01 00:00:00', 'month 0');
            """
        )
        try dataset.configure(
            """
            primary_key = "id"
            partition_by = "dtm"
            partition_granularity = "month"
            """
        )
        return dataset
    }

    @Test func zeroDatesBecomeNullAndLandInTheNullPartition() throws {
        let dataset = try makeDataset()
        let result = try dataset.refresh()

        #expect(result.rows == 5)
        #expect(result.warnings.count == 1, "\(result.warnings)")
        let warning = result.warnings.first ?? ""
        #expect(
            warning.contains("zero dates read as NULL") && warning.contains("d 3") && warning.contains("dtm 2"),
            "\(warning)"
        )

        // A zero partition value is a NULL one: those rows go to null.parquet.
        #expect(try dataset.currentFiles() == ["2024-05.parquet", "2024-06.parquet", "null.parquet"])
        let version = try dataset.currentVersionPath()
        let reader = try PythonParquetReader.fromEnvironment()
        var d: [Int64: ReadValue] = [:]
        var dtm: [Int64: ReadValue] = [:]
        var filesByID: [Int64: String] = [:]
        for name in try dataset.currentFiles() {
            let readout = try reader.read(URL(fileURLWithPath: version + "/" + name), with: .pyarrow)
            let ids = try #require(readout.column("id")).values.map { $0.int64 ?? -1 }
            for (row, id) in ids.enumerated() {
                d[id] = readout.column("d")?.values[row]
                dtm[id] = readout.column("dtm")?.values[row]
                filesByID[id] = name
            }
        }
        #expect(d == [1: nil, 2: "2024-05-06", 3: nil, 4: "2024-05-08", 5: nil])
        let may6 = TestCalendar.days(2024, 5, 6) * TestCalendar.microsPerDay + (7 * 3600 + 8 * 60 + 9) * 1_000_000
        #expect(dtm[2] == .int(may6))
        #expect(dtm[1] == .null && dtm[4] == .null && dtm[3] != .null && dtm[5] != .null)
        #expect(
            filesByID == [
                1: "null.parquet", 4: "null.parquet", 2: "2024-05.parquet", 3: "2024-05.parquet", 5: "2024-06.parquet",
            ]
        )
    }

    @Test func theCommandLineReportsTheWarning() throws {
        let dataset = try makeDataset()
        let run = try PublisherBinary.run(["refresh", "--json", "--config", dataset.configPath])
        #expect(run.status == 0, "\(run.errorOutput)")
        #expect(run.errorOutput.contains("zero or invalid dates were read as NULL"), "\(run.errorOutput)")
        let object = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any]
        let warnings = object?["warnings"] as? [String] ?? []
        #expect(warnings.count == 1 && warnings.first?.contains("dtm 2") == true, "\(run.output)")
    }
}
