import Foundation
import TestSupport

@testable import Publishing

/// The test's own directory (TestSupport's `TemporaryDirectory`), removed when the test drops it.
typealias ScratchDirectory = TemporaryDirectory

func readText(_ path: String) throws -> String {
    String(decoding: try FileOperations.readFile(path), as: UTF8.self)
}

func names(in directory: String) throws -> [String] {
    try Syscall.listDirectory(directory).map(\.name).sorted()
}

/// A date from ISO-8601 text, for readable test times.
func date(_ text: String) -> Date {
    ISO8601Timestamp.date(from: text)!
}

/// Runs blocking work (fsync loops, thread joins) on a thread of its own, so a test never holds
/// one of Swift concurrency's few cooperative threads while it waits.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}
