import Foundation

/// A long-lived `read_parquet.py --serve` process for one reader: tests that read many files
/// send it one request a line instead of starting Python, and importing pyarrow, DuckDB or
/// polars, for each file (half a second of CPU every time). Requests to one server are
/// answered one at a time; there is one server per reader, so the three read in parallel.
/// The process ends when the test process does (its stdin reaches end of file).
public final class PythonParquetReaderServer: @unchecked Sendable {
    public let reader: PythonParquetReader.Reader
    private let process: Process
    private let requests: FileHandle
    private let answers: Int32
    private var buffered: [UInt8] = []
    private let lock = NSLock()

    init(python: String, reader: PythonParquetReader.Reader) throws {
        self.reader = reader
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [PythonParquetReader.scriptPath, "--serve"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TestEnvironmentError(
                code: .pythonNotFound,
                message: "could not start \(python) read_parquet.py --serve: \(error)"
            )
        }
        self.process = process
        requests = stdin.fileHandleForWriting
        answers = stdout.fileHandleForReading.fileDescriptor
        // Keep the read end's FileHandle alive as long as we read from its descriptor.
        readHandle = stdout.fileHandleForReading
    }

    private let readHandle: FileHandle

    /// Sends one request and returns the document the server answered with (its JSON bytes),
    /// or throws the server's error.
    func request(file: URL, where condition: String? = nil, countWhere conditions: [String]? = nil) throws -> Data {
        var request: [String: Any] = ["reader": reader.rawValue, "file": file.path]
        if let condition { request["where"] = condition }
        if let conditions { request["count_where"] = conditions }
        let line = try JSONSerialization.data(withJSONObject: request) + Data("\n".utf8)
        lock.lock()
        defer { lock.unlock() }
        guard process.isRunning else { throw failure("is not running (exit \(process.terminationStatus))") }
        try requests.write(contentsOf: line)
        let status = try readLine()
        struct Status: Decodable {
            var ok: Bool
            var error: String?
        }
        let decoded = try JSONDecoder().decode(Status.self, from: Data(status))
        guard decoded.ok else {
            throw failure("could not read \(file.lastPathComponent): \(decoded.error ?? "no reason given")")
        }
        return Data(try readLine())
    }

    private func failure(_ message: String) -> TestEnvironmentError {
        TestEnvironmentError(code: .pythonNotFound, message: "read_parquet.py --serve for \(reader) \(message)")
    }

    /// The next line of the server's stdout, without its newline.
    private func readLine() throws -> [UInt8] {
        var searched = 0
        while true {
            if let end = buffered[searched...].firstIndex(of: 0x0A) {
                let line = Array(buffered[..<end])
                buffered.removeSubrange(...end)
                return line
            }
            searched = buffered.count
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("could not be read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { throw failure("ended without answering") }
            buffered.append(contentsOf: chunk[..<count])
        }
    }
}

extension PythonParquetReader {
    private static let servers = ServerRegistry()

    /// The shared server of `reader` for this Python, started on first use.
    public func server(for reader: Reader) throws -> PythonParquetReaderServer {
        try Self.servers.server(python: python, reader: reader)
    }

    /// `readQuickly(_:with:)` through the reader's long-lived server.
    public func readServed(_ file: URL, with reader: Reader) throws -> ParquetReadout {
        try ParquetReadout.decodeQuickly(try server(for: reader).request(file: file))
    }

    /// `readFiltered(_:where:with:)` through the reader's long-lived server.
    public func readFilteredServed(_ file: URL, where condition: String, with reader: Reader) throws -> ParquetReadout {
        try ParquetReadout.decodeQuickly(try server(for: reader).request(file: file, where: condition))
    }

    /// `countRows(_:where:with:)` through the reader's long-lived server.
    public func countRowsServed(_ file: URL, where conditions: [String], with reader: Reader) throws -> [Int] {
        struct Counts: Decodable { var counts: [Int] }
        let counts = try JSONDecoder().decode(
            Counts.self,
            from: try server(for: reader).request(file: file, countWhere: conditions)
        ).counts
        guard counts.count == conditions.count else {
            throw TestEnvironmentError(
                code: .invalidVariable,
                message: "\(reader) gave \(counts.count) counts for \(conditions.count) conditions"
            )
        }
        return counts
    }
}

private final class ServerRegistry: @unchecked Sendable {
    private var servers: [String: PythonParquetReaderServer] = [:]
    private let lock = NSLock()

    init() {
        // A server that died must make a request fail, not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
    }

    func server(python: String, reader: PythonParquetReader.Reader) throws -> PythonParquetReaderServer {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(python)\u{0}\(reader.rawValue)"
        if let server = servers[key] { return server }
        let server = try PythonParquetReaderServer(python: python, reader: reader)
        servers[key] = server
        return server
    }
}
