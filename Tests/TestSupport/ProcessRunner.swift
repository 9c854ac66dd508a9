import Foundation

/// What a child process did: its exit status and everything it wrote.
public struct ProcessResult: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
    public var status: Int32
    public var standardOutput: Data
    public var standardError: Data

    public var succeeded: Bool { status == 0 }
    public var output: String { String(decoding: standardOutput, as: UTF8.self) }
    public var errorOutput: String { String(decoding: standardError, as: UTF8.self) }
}

/// A child process that could not be started or did not succeed. The description names the
/// command (arguments only: secrets travel in the environment, which is never printed).
public struct ProcessError: Error, CustomStringConvertible, Sendable {
    public var command: [String]
    public var result: ProcessResult?
    public var message: String

    public var description: String {
        var text = "\(command.joined(separator: " ")): \(message)"
        if let result, !result.standardError.isEmpty {
            text += "\n" + result.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return text
    }
}

/// Runs a program to completion, feeding `input` to its stdin and collecting stdout and stderr
/// (concurrently, so a chatty child never blocks on a full pipe).
///
/// - Parameters:
///   - executable: a path, or a name looked up in PATH.
///   - environment: variables added to (or replacing those of) this process's environment;
///     the way to hand a child a password without putting it in argv.
public func runProcess(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String] = [:],
    input: Data? = nil,
    currentDirectory: URL? = nil
) throws -> ProcessResult {
    let command = [executable] + arguments
    guard let path = findExecutable(executable) else {
        throw ProcessError(command: command, result: nil, message: "\(executable) not found in PATH")
    }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }

    let stdout = Pipe()
    let stderr = Pipe()
    let stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin

    do {
        try process.run()
    } catch {
        throw ProcessError(command: command, result: nil, message: "could not start: \(error)")
    }

    let group = DispatchGroup()
    let collected = CollectedOutput()
    let stdoutReader = stdout.fileHandleForReading
    let stderrReader = stderr.fileHandleForReading
    DispatchQueue.global().async(group: group) {
        collected.setStandardError(stderrReader.readDataToEndOfFile())
    }
    if let input {
        // A child that exits before reading its input (a refused login, say) would otherwise
        // kill the whole test process with SIGPIPE; with it ignored the write just fails.
        ignoreSIGPIPE
        let writer = stdin.fileHandleForWriting
        DispatchQueue.global().async(group: group) {
            // A child that exits without reading all of its input closes the pipe: ignore EPIPE.
            try? writer.write(contentsOf: input)
            try? writer.close()
        }
    }
    let output = stdoutReader.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()

    let status: Int32 =
        process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return ProcessResult(status: status, standardOutput: output, standardError: collected.standardError)
}

/// The full path of `name`: itself when it contains a slash, else the first match in PATH.
public func findExecutable(_ name: String) -> String? {
    let fileManager = FileManager.default
    if name.contains("/") {
        return fileManager.isExecutableFile(atPath: name) ? name : nil
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if fileManager.isExecutableFile(atPath: candidate) { return candidate }
    }
    for directory in ["/usr/sbin", "/sbin"] where fileManager.isExecutableFile(atPath: "\(directory)/\(name)") {
        return "\(directory)/\(name)"
    }
    return nil
}

/// Ignores SIGPIPE for the test process, once.
private let ignoreSIGPIPE: Void = {
    signal(SIGPIPE, SIG_IGN)
}()

/// Standard error gathered on another thread while the caller reads standard output.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()

    func setStandardError(_ data: Data) {
        lock.lock()
        stored = data
        lock.unlock()
    }

    var standardError: Data {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
