import Foundation
import SystemSupport
import TestSupport
import Testing

@Suite struct AFileIsReplacedWholeOrNotAtAll {
    @Test func theNewContentReplacesTheOldWithNothingLeftBeside() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/status.json"
        try FileOperations.replaceFile(path, Array("one".utf8))
        try FileOperations.replaceFile(path, Array("two".utf8))
        #expect(try FileOperations.readFile(path) == Array("two".utf8))
        #expect(try Syscall.listDirectory(directory.path).map(\.name) == ["status.json"])
    }

    @Test func aFailureNamesThePathAndTheErrnoAndLeavesNothing() throws {
        let directory = TemporaryDirectory()
        let error = #expect(throws: FileSystemError.self) {
            try FileOperations.replaceFile(directory.path + "/missing/x", [])
        }
        #expect(error?.code == .notFound)
        #expect(error?.errno == SystemErrno.ENOENT)
        #expect(error?.description.contains("missing/.x.tmp-") == true)
        #expect(try Syscall.listDirectory(directory.path).isEmpty)
    }
}
