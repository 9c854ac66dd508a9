import Foundation
import Testing

@testable import Publishing

@Suite struct DatasetLockAdmitsOneWriter {
    @Test func aSecondWriterIsToldWhoHoldsTheDataset() throws {
        let folder = ScratchDirectory()
        let first = try DatasetLock.acquire(
            stateDirectory: folder.file("state"),
            dataset: "orders",
            holder: "the daemon"
        )
        let error = try #require(throws: PublishingError.self) {
            _ = try DatasetLock.acquire(stateDirectory: folder.file("state"), dataset: "orders", holder: "refresh")
        }
        #expect(error.code == .locked)
        #expect("\(error)".contains("pid \(getpid()) the daemon since"), "\(error)")
        #expect("\(error)".contains("orders"))
        // Another dataset is not held.
        _ = try DatasetLock.acquire(stateDirectory: folder.file("state"), dataset: "offers", holder: "refresh")
        first.release()
        let second = try DatasetLock.acquire(stateDirectory: folder.file("state"), dataset: "orders", holder: "refresh")
        second.release()
    }

    @Test func aWaitingWriterGetsTheLockWhenItIsReleased() throws {
        let folder = ScratchDirectory()
        let first = try DatasetLock.acquire(stateDirectory: folder.path, dataset: "orders", holder: "first")
        let started = ContinuousClock.now
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { first.release() }
        let second = try DatasetLock.acquire(
            stateDirectory: folder.path,
            dataset: "orders",
            holder: "second",
            wait: .seconds(10)
        )
        #expect(ContinuousClock.now - started >= .milliseconds(250))
        #expect(try readText(DatasetLock.path(stateDirectory: folder.path, dataset: "orders")).contains("second"))
        second.release()
    }
}
