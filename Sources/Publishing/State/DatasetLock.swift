import Foundation
import Logging

/// One writer per dataset across processes: an exclusive `flock` on
/// `<state_directory>/<dataset>.lock`, held for a whole refresh (leftover check, fetch, publish,
/// state). The daemon's schedules and every `refresh` take it, so a `refresh` run beside the
/// daemon never removes the other's staging directory, never publishes the same version number,
/// and never saves its state over the other's.
///
/// The kernel drops the lock when its holder dies, however it dies, so a lock is never stale.
/// While held, the file names its holder (`pid 812 parquet-publisher run (the daemon) since
/// 2026-11-25T01:02:03Z`), which a waiting process logs. Locks belong to the open file
/// description, so two refreshes in one process exclude each other too.
public final class DatasetLock: @unchecked Sendable {
    public let dataset: String
    public let path: String
    private var fd: CInt?
    private let lock = NSLock()

    private init(dataset: String, path: String, fd: CInt) {
        self.dataset = dataset
        self.path = path
        self.fd = fd
    }

    deinit { release() }

    /// The lock file of `dataset` in `stateDirectory`.
    public static func path(stateDirectory: String, dataset: String) -> String {
        FileOperations.join(stateDirectory, "\(dataset).lock")
    }

    /// A lock is tried again for this long before it counts as held. A process forked by
    /// another thread (a test runner spawning commands, say) shares the lock file's open file
    /// description, and so the lock, until it execs and close-on-exec drops its copy: for that
    /// moment a just-released lock still looks held.
    static let grace: Duration = .seconds(2)

    /// Takes the dataset's lock, waiting up to `wait` for its holder to finish (polling every
    /// 100 ms; at least `grace`). `holder` says who takes it, for whoever waits next.
    /// - Throws: `PublishingError` (`.locked`) naming the holder when the wait runs out;
    ///   `FileSystemError` when the lock file cannot be opened.
    public static func acquire(
        stateDirectory: String,
        dataset: String,
        holder: String,
        wait: Duration = .zero,
        logger: Logger? = nil
    ) throws -> DatasetLock {
        try FileOperations.makeDirectories(stateDirectory, mode: 0o700)
        let path = path(stateDirectory: stateDirectory, dataset: dataset)
        let fd = try Syscall.open(path, [.writeOnly, .create, .noFollow], mode: 0o600)
        let started = ContinuousClock.now
        let deadline = started + max(wait, grace)
        var logged = false
        do {
            while try !Syscall.tryLockExclusive(fd, path: path) {
                let other = currentHolder(path)
                let now = ContinuousClock.now
                guard now < deadline else {
                    throw PublishingError(
                        .locked,
                        "\(other) is refreshing this dataset (lock \(path)); it was not released within \(DurationParser.format(max(wait, grace))): try again once it has finished",
                        dataset: dataset
                    )
                }
                if !logged && now - started >= grace && wait > grace {
                    logged = true
                    logger?.notice(
                        "waiting up to \(DurationParser.format(wait)) for \(other), which is refreshing dataset \"\(dataset)\"",
                        metadata: ["dataset": "\(dataset)", "lock": "\(path)"]
                    )
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            let since = ISO8601Timestamp.string(from: Date(), fractionalDigits: 0)
            let text = "pid \(getpid()) \(holder) since \(since)\n"
            try Syscall.overwrite(fd, Array(text.utf8), path: path)
        } catch {
            Syscall.close(fd)
            throw error
        }
        return DatasetLock(dataset: dataset, path: path, fd: fd)
    }

    /// Who holds the lock at `path`, as its holder wrote it; "another process" when it has not
    /// written yet.
    static func currentHolder(_ path: String) -> String {
        let text = (try? FileOperations.readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return line.isEmpty ? "another process" : line
    }

    /// Releases the lock (closing the file drops it). The file stays: removing it while another
    /// process waits on the same inode would let a third one lock a new file beside it.
    public func release() {
        lock.withLock {
            guard let fd else { return }
            // Empty, so that no one reads a finished holder's name before the next one writes.
            try? Syscall.overwrite(fd, [], path: path)
            Syscall.close(fd)
            self.fd = nil
        }
    }
}
