import Foundation

/// A fresh directory of the test's own under the system's temporary directory, removed with
/// everything in it when the last reference goes (or at the end of `withTemporaryDirectory`).
public final class TemporaryDirectory: Sendable {
    public let url: URL

    /// Creates the directory with mkdtemp (mode 0700, a name no other test shares).
    public init(prefix: String) throws {
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

    /// A directory named after the test function that makes it; a test that cannot get one
    /// stops there.
    public convenience init(_ label: String = #function) {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        try! self.init(prefix: "pp-test-\(safe.prefix(40))")
    }

    public var path: String { url.path }

    /// A path inside the directory (nothing is created).
    public func appending(_ component: String) -> URL {
        url.appendingPathComponent(component)
    }

    /// The path of `relative` inside the directory (nothing is created).
    public func file(_ relative: String) -> String {
        path + "/" + relative
    }

    /// Writes `text` to `relative` (creating its folders) with `mode`; returns its path.
    @discardableResult
    public func write(_ relative: String, _ text: String, mode: Int = 0o600) -> String {
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
