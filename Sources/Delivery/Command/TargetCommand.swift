import Foundation
import Synchronization
import SystemSupport

/// One run of a target's command for one phase: the configured argv exactly (no shell, nothing
/// appended), the phase in the environment, stdin from /dev/null, stdout and stderr read line by
/// line as they come (secrets redacted before anyone sees them), and a deadline after which the
/// command's whole process group is sent SIGTERM, then SIGKILL.
///
/// The child leads a process group of its own, so an `rclone` or `git push` and every helper
/// it started (ssh, git-remote-http) are stopped together; a script's `sleep` does not outlive
/// it. It starts with every signal at its default action: Foundation's `Process` was tried and
/// passes on the signals the daemon ignores (SIGTERM, SIGHUP), so a command ignored its
/// timeout's SIGTERM (and would ignore `systemctl stop`); swift-subprocess resets them, but
/// its API is async-only and waits without bound for output a straggler keeps open. So the
/// spawn is ours: `Syscall.spawn` (posix_spawn) and `reap` (waitpid), in SystemSupport.
///
/// Blocking: the caller's thread waits for the command (the target's own Dispatch queue in the
/// daemon). Reading both pipes with `poll` on that thread, rather than a thread per pipe, lets
/// the deadline interrupt a child that holds its pipes open and prints nothing.
struct TargetCommand {
    enum Stream: String, Sendable {
        case stdout, stderr
    }

    /// How the run ended.
    enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        /// Killed by a signal it was not sent by us (a crash, an OOM kill).
        case signalled(Int32)
        /// Ran past the timeout; its process group was killed.
        case timedOut
        /// Stopped because the daemon stops; its process group was killed.
        case cancelled

        var description: String {
            switch self {
            case .exited(let status): return "exited with status \(status)"
            case .signalled(let signal): return "was killed by signal \(signal)"
            case .timedOut: return "timed out"
            case .cancelled: return "was stopped because the daemon stops"
            }
        }
    }

    struct Outcome: Sendable {
        var termination: Termination
        var seconds: Double
        /// The last lines of stderr, or of stdout when stderr had none, redacted.
        var tail: [String]
        /// Lines not handed to `onLine` past `maxLines`.
        var suppressedLines: Int
        /// Processes of its group still alive after it exited (they held its output open) were killed.
        var killedStragglers: Bool
    }

    /// The command could not be started.
    struct LaunchFailure: Error, Sendable, CustomStringConvertible {
        var program: String
        var message: String
        var description: String { "\(program): \(message)" }
    }

    var argv: [String]
    var environment: [String: String]
    var workingDirectory: String
    var timeout: Duration
    var redactor: SecretRedactor
    /// SIGTERM first so a tool can clean up (rclone removes its partial uploads); SIGKILL after this.
    var terminationGrace: Duration = .seconds(5)
    /// Lines handed to `onLine` at most; a runaway `-vv` must not flood the journal.
    var maxLines = 500
    /// Lines of output kept for the error message.
    var tailLines = 12

    /// Where `argv[0]` resolves: itself when it holds a slash, else the first match in the
    /// environment's PATH (as execvp would).
    func resolveProgram() throws(LaunchFailure) -> String {
        guard let program = argv.first else { throw LaunchFailure(program: "", message: "the command is empty") }
        let files = FileManager.default
        if program.contains("/") {
            guard files.fileExists(atPath: program) else {
                throw LaunchFailure(program: program, message: "not found (no such file)")
            }
            guard files.isExecutableFile(atPath: program) else {
                throw LaunchFailure(program: program, message: "not executable (check its mode and owner)")
            }
            return program
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where files.isExecutableFile(atPath: "\(directory)/\(program)") {
            return "\(directory)/\(program)"
        }
        throw LaunchFailure(program: program, message: "not found in PATH (\(path))")
    }

    /// Runs the command to its end, calling `onLine` with each redacted line as it is printed.
    func run(
        cancellation: CommandCancellation? = nil,
        onLine: (Stream, String) -> Void
    ) throws(LaunchFailure) -> Outcome {
        let program = try resolveProgram()
        let started = ContinuousClock.now
        let child: SpawnedChild
        do {
            child = try Syscall.spawn(
                program,
                arguments: argv,
                environment: environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
                directory: workingDirectory
            )
        } catch {
            throw LaunchFailure(program: program, message: "cannot start: \(error)")
        }
        // The child leads its own process group (pgid = pid): signals go to all it started.
        let group = child.pid
        func signal(_ number: Int32) {
            Syscall.signalGroup(group, number)
        }
        var status: (exited: Bool, code: Int32)?

        var readers = [
            LineReader(stream: .stdout, fd: child.standardOutput),
            LineReader(stream: .stderr, fd: child.standardError),
        ]
        for reader in readers { Syscall.setNonBlocking(reader.fd) }
        var tails: [Stream: [String]] = [:]
        var handed = 0
        var suppressed = 0
        func deliver(_ stream: Stream, _ raw: String) {
            let line = redactor.redact(raw)
            tails[stream, default: []].append(line)
            if tails[stream]!.count > tailLines { tails[stream]!.removeFirst() }
            if handed < maxLines {
                handed += 1
                onLine(stream, line)
            } else {
                suppressed += 1
            }
        }

        let deadline = started + timeout
        var stopReason: Termination?
        var terminatedAt: ContinuousClock.Instant?
        var killedAt: ContinuousClock.Instant?
        var exitedAt: ContinuousClock.Instant?
        var killedStragglers = false
        while true {
            let now = ContinuousClock.now
            if stopReason == nil, exitedAt == nil {
                if cancellation?.isCancelled == true {
                    stopReason = .cancelled
                } else if now >= deadline {
                    stopReason = .timedOut
                }
                if stopReason != nil {
                    signal(Syscall.terminateSignal)
                    terminatedAt = now
                }
            }
            if let terminatedAt, killedAt == nil, now - terminatedAt >= terminationGrace {
                signal(Syscall.killSignal)
                killedAt = now
            }
            if exitedAt == nil, let reaped = Syscall.reap(child.pid) {
                status = reaped
                exitedAt = now
            }
            let open = readers.indices.filter { !readers[$0].finished }
            if exitedAt != nil, open.isEmpty { break }
            // The command ended but something it started still holds its output: that
            // something belongs to its process group, which goes with it.
            if let exitedAt, killedAt == nil, now - exitedAt >= .seconds(2) {
                signal(Syscall.killSignal)
                killedAt = now
                killedStragglers = stopReason == nil
            }
            if let killedAt, now - killedAt >= .seconds(2), exitedAt != nil || now - killedAt >= .seconds(10) {
                break  // A descriptor passed to a process outside the group: stop listening.
            }
            let readiness = Syscall.pollReadable(open.map { readers[$0].fd }, milliseconds: 100)
            for (slot, index) in open.enumerated() where readiness[slot] {
                readers[index].read(deliver)
            }
        }
        for index in readers.indices {
            readers[index].finish(deliver)
            Syscall.close(readers[index].fd)
        }
        // Gone, or killed above: reap it (a process that ignores even SIGKILL is a kernel matter).
        while status == nil {
            status = Syscall.reap(child.pid)
            if status == nil { usleep(10_000) }
        }

        let termination: Termination
        if let stopReason {
            termination = stopReason
        } else if let status, !status.exited {
            termination = .signalled(status.code)
        } else {
            termination = .exited(status?.code ?? -1)
        }
        let tail = tails[.stderr].flatMap { $0.isEmpty ? nil : $0 } ?? tails[.stdout] ?? []
        let elapsed = ContinuousClock.now - started
        return Outcome(
            termination: termination,
            seconds: elapsed.timeInterval,
            tail: tail,
            suppressedLines: suppressed,
            killedStragglers: killedStragglers
        )
    }
}

/// Set from another thread (the daemon's stop) to end a running command.
final class CommandCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    var isCancelled: Bool { flag.load(ordering: .acquiring) }
    func cancel() { flag.store(true, ordering: .releasing) }
}

/// Cuts one pipe's bytes into lines (without their newline); a line longer than `maxLine`
/// bytes is handed on in pieces, so a binary dump cannot grow it without bound.
private struct LineReader {
    let stream: TargetCommand.Stream
    let fd: Int32
    var pending: [UInt8] = []
    var finished = false
    static let maxLine = 16 * 1024

    mutating func read(_ emit: (TargetCommand.Stream, String) -> Void) {
        guard let bytes = Syscall.readAvailable(fd) else { return }
        if bytes.isEmpty {
            finish(emit)
            return
        }
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                flush(emit)
            } else {
                pending.append(byte)
                if pending.count >= Self.maxLine { flush(emit) }
            }
        }
    }

    mutating func finish(_ emit: (TargetCommand.Stream, String) -> Void) {
        guard !finished else { return }
        finished = true
        if !pending.isEmpty { flush(emit) }
    }

    private mutating func flush(_ emit: (TargetCommand.Stream, String) -> Void) {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        emit(stream, String(decoding: pending, as: UTF8.self))
        pending.removeAll(keepingCapacity: true)
    }
}
