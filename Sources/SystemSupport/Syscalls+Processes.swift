// The system calls that run a child process (delivery commands): spawning it with clean
// signals in its own process group, reading its pipes with a deadline, signalling the group and
// reaping it. They live beside the file calls in Syscalls.swift, so that Delivery, like every
// other module, imports no Glibc.

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A child started by `Syscall.spawn`: its pid (also its process group) and our ends of its pipes.
public struct SpawnedChild: Sendable {
    public var pid: Int32
    public var standardOutput: Int32
    public var standardError: Int32
}

extension Syscall {
    /// Waits until one of `descriptors` can be read or `milliseconds` pass (EINTR counts as a
    /// timeout: the caller loops anyway). The corresponding C function is `poll`.
    /// - Returns: for each descriptor, whether a read would not block (data, end of file or a
    ///   hang-up: a read then returns 0).
    public static func pollReadable(_ descriptors: [Int32], milliseconds: Int32) -> [Bool] {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let result = fds.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), milliseconds) }
        guard result > 0 else { return descriptors.map { _ in false } }
        return fds.map { $0.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 }
    }

    /// Reads what is there (at most `capacity` bytes); an empty array at end of file, nil when
    /// nothing is there yet. The corresponding C function is `read`.
    public static func readAvailable(_ fd: Int32, capacity: Int = 64 * 1024) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: capacity)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return Array(buffer[0..<n]) }
            if Glibc.errno == EINTR { continue }
            if Glibc.errno == EAGAIN { return nil }
            return []  // A broken pipe reads as its end.
        }
    }

    /// Makes reads on `fd` return at once when nothing is there. The corresponding C function is `fcntl`.
    public static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    /// Sends `signal` to every process of group `group`; false when none is left (ESRCH). The
    /// corresponding C function is `kill` with a negative pid.
    @discardableResult
    public static func signalGroup(_ group: Int32, _ signal: Int32) -> Bool {
        Glibc.kill(-group, signal) == 0
    }

    private typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> CInt
    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    /// glibc declares these only under _GNU_SOURCE, which the Glibc module does not set: looked
    /// up at run time (glibc 2.29 and 2.34). Without the first the child keeps our working
    /// directory; without the second, descriptors without O_CLOEXEC stay open in it.
    private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }
    private static let addClosefrom: AddClosefrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddClosefrom.self)
    }

    /// Starts `path` with exactly `arguments` (argv, its first element included) and
    /// `environment` ("NAME=value"), in `directory`, stdin from /dev/null and stdout/stderr into
    /// new pipes, as the leader of a new process group, with every signal at its default action
    /// and none blocked. The daemon ignores SIGTERM and SIGHUP (it takes them through dispatch
    /// sources), and ignored signals survive exec: a child started without this would ignore
    /// the SIGTERM of its timeout and of `systemctl stop`. The corresponding C function is
    /// `posix_spawn` with POSIX_SPAWN_SETPGROUP, POSIX_SPAWN_SETSIGDEF and POSIX_SPAWN_SETSIGMASK.
    public static func spawn(
        _ path: String,
        arguments: [String],
        environment: [String],
        directory: String
    ) throws(FileSystemError) -> SpawnedChild {
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        // pipe2(O_CLOEXEC) is _GNU_SOURCE too; until fcntl below another thread's spawn could
        // inherit these, which only our own spawns do (with closefrom) in the daemon.
        guard pipe(&output) == 0 else { throw spawnFailure("pipe", path, Glibc.errno) }
        guard pipe(&errors) == 0 else {
            let code = Glibc.errno
            Glibc.close(output[0])
            Glibc.close(output[1])
            throw spawnFailure("pipe", path, code)
        }
        for fd in output + errors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        defer {
            // The child has its copies of the write ends; ours would keep the pipes from ending.
            Glibc.close(output[1])
            Glibc.close(errors[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        if let addClosefrom { _ = addClosefrom(&actions, 3) }
        if let addChdir { _ = addChdir(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        )

        var pid: pid_t = 0
        let result = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, path, &actions, &attributes, argv, envp) }
        }
        guard result == 0 else {
            Glibc.close(output[0])
            Glibc.close(errors[0])
            throw spawnFailure("posix_spawn", path, result)
        }
        return SpawnedChild(pid: pid, standardOutput: output[0], standardError: errors[0])
    }

    /// A NULL-terminated array of C strings for the duration of `body`.
    private static func withCStrings<R>(
        _ strings: [String],
        _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// How a child ended, once it has: `.exited(status)` or `.signalled(signal)`; nil while it
    /// runs. Reaps it. The corresponding C function is `waitpid(WNOHANG)`.
    public static func reap(_ pid: Int32) -> (exited: Bool, code: Int32)? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == 0 { return nil }
            if result < 0 {
                if Glibc.errno == EINTR { continue }
                return (true, -1)  // Not our child any more (reaped elsewhere): its status is lost.
            }
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which are macros.
            let signal = status & 0x7f
            return signal == 0 ? (true, (status >> 8) & 0xff) : (false, signal)
        }
    }

    /// The signal a timeout or a stop sends first (SIGTERM), and the one that follows (SIGKILL).
    public static let terminateSignal = SIGTERM
    public static let killSignal = SIGKILL

    private static func spawnFailure(_ function: String, _ path: String, _ code: Int32) -> FileSystemError {
        FileSystemError(
            code: .forErrno(code),
            message: "cannot start \"\(path)\"",
            path: path,
            function: function,
            errno: code
        )
    }
}
