import Foundation
import Testing

@testable import Publishing

/// Which published files are verified against index.json's checksum before a new version links
/// them: those written since they were stamped, and the scrub's share of the others.
@Suite struct PublishedFileCheckFindsDamage {
    /// Three 1000-byte "partitions" with their checksums, stamped as they are on disk.
    func makeVersion(_ folder: ScratchDirectory) throws -> (DatasetIndex, [String: PublishedFileStamp]) {
        var files: [IndexFile] = []
        var stamps: [String: PublishedFileStamp] = [:]
        for (i, name) in ["2024-01", "2024-02", "2024-03"].enumerated() {
            let bytes = [UInt8](repeating: UInt8(i + 1), count: 1000)
            let path = folder.file("v1/\(name).parquet")
            try FileManager.default.createDirectory(atPath: folder.file("v1"), withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            files.append(
                IndexFile(
                    path: "\(name).parquet",
                    partition: name,
                    rows: 10,
                    bytes: 1000,
                    min: nil,
                    max: nil,
                    rowGroups: [],
                    checksum: FileChecksum.of(bytes: bytes)
                )
            )
            let info = try #require(try Syscall.lstat(path))
            stamps["\(name).parquet"] = PublishedFileStamp(
                size: info.size,
                modifiedNanoseconds: info.modifiedNanoseconds,
                verifiedAt: Date(timeIntervalSince1970: Double(1000 * (i + 1)))
            )
        }
        let index = DatasetIndex(
            dataset: "orders",
            version: 1,
            publishedAt: Date(),
            partitionBy: "created_at",
            partitionGranularity: .month,
            rowGroupGranularity: .day,
            primaryKey: ["id"],
            schema: [],
            files: files
        )
        return (index, stamps)
    }

    @Test func aFileWrittenSinceItWasStampedIsVerified() throws {
        let folder = ScratchDirectory()
        let (index, stamps) = try makeVersion(folder)
        usleep(20_000)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: folder.file("v1/2024-02.parquet")))
        try handle.seek(toOffset: 500)
        handle.write(Data(count: 8))
        try handle.close()
        let outcome = try PublishedFileCheck(versionDirectory: folder.file("v1"), index: index, stamps: stamps)
            .run(scrubBytes: 0)
        #expect(outcome.corrupt.map(\.file.path) == ["2024-02.parquet"])
        #expect(outcome.corrupt.first?.reason.contains("checksum") == true)
        #expect(outcome.filesVerified == 1, "only the changed file is read")
    }

    /// Damage that keeps size and time (bit rot) is found by the scrub, which reads the files
    /// verified longest ago first, as many bytes as it is given (at least one file).
    @Test func theScrubFindsDamageThatKeepsSizeAndTime() throws {
        let folder = ScratchDirectory()
        var (index, stamps) = try makeVersion(folder)
        let path = folder.file("v1/2024-01.parquet")
        var bytes = try FileOperations.readFile(path)
        bytes[10] ^= 1
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let info = try #require(try Syscall.lstat(path))
        stamps["2024-01.parquet"]!.modifiedNanoseconds = info.modifiedNanoseconds
        let check = PublishedFileCheck(versionDirectory: folder.file("v1"), index: index, stamps: stamps)
        #expect(try check.run(scrubBytes: 0).corrupt.isEmpty)
        let scrubbed = try check.run(scrubBytes: 1)
        #expect(scrubbed.filesVerified == 1)
        #expect(scrubbed.corrupt.map(\.file.path) == ["2024-01.parquet"], "the oldest verified is read first")
        // A missing file and a file of the wrong size need no reading to be found.
        try FileManager.default.removeItem(atPath: folder.file("v1/2024-03.parquet"))
        index.files[1].bytes = 999
        let found = try PublishedFileCheck(versionDirectory: folder.file("v1"), index: index, stamps: stamps)
            .run(scrubBytes: 0).corrupt
        #expect(found.map(\.file.path).sorted() == ["2024-02.parquet", "2024-03.parquet"], "\(found.map(\.reason))")
    }
}
