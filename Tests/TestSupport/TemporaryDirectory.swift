import Foundation

/// A fresh directory of the test's own under the system's temporary directory, removed with
/// everything in it when the last reference goes (or at the end of `withTemporaryDirectory`).
public final class TemporaryDirectory: Sendable {
    public let url: URL

    /// Creates the directory with mkdtemp (mode 0700, a name no other test shares).
    public init(prefix: String = "pp-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!)
        }
        guard created != nil else {
            let code = errno
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [NSLocalizedDescriptionKey: "mkdtemp in \(base) failed: \(String(cString: strerror(code)))"]
            )
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        url = URL(fileURLWithPath: path, isDirectory: true)
    }

    public var path: String { url.path }

    /// A path inside the directory (nothing is created).
    public func appending(_ component: String) -> URL {
        url.appendingPathComponent(component)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs `body` with a new temporary directory and removes it afterwards, whatever body did.
public func withTemporaryDirectory<Result>(
    prefix: String = "pp-test",
    _ body: (URL) throws -> Result
) throws -> Result {
    let directory = try TemporaryDirectory(prefix: prefix)
    return try withExtendedLifetime(directory) { try body(directory.url) }
}

/// Runs `body` with a new temporary directory and removes it afterwards, whatever body did.
public func withTemporaryDirectory<Result>(
    prefix: String = "pp-test",
    _ body: (URL) async throws -> Result
) async throws -> Result {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { withExtendedLifetime(directory) {} }
    return try await body(directory.url)
}
