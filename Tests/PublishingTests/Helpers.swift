import Foundation

@testable import Publishing

/// A fresh directory under the system temp folder, removed when the test drops it.
final class ScratchDirectory: Sendable {
    let path: String

    init(_ label: String = #function) {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "pp-publishing-\(safe.prefix(40))-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ relative: String) -> String { path + "/" + relative }

    @discardableResult
    func write(_ relative: String, _ text: String, mode: Int = 0o600) -> String {
        let target = file(relative)
        try! FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        _ = FileManager.default.createFile(
            atPath: target,
            contents: Data(text.utf8),
            attributes: [.posixPermissions: mode]
        )
        return target
    }
}

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
