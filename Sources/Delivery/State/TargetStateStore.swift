import Foundation
import Publishing
import SystemSupport

/// The private folder of one target, `<state_directory>/targets/<target>/`:
///
/// ```
/// delivery.json          TargetState, replaced atomically (temporary file, fsync, rename)
/// .lock                  flock'd while a process delivers to the target
/// publish/manifest.json  the target's manifest: what its commits deliver
/// publish/<dataset>      symlink to the dataset's published folder
/// ```
///
/// `publish/` is what the command sees as `PP_PUBLISH_DIRECTORY`.
public struct TargetStateStore: Sendable {
    public let target: String
    /// `<state_directory>/targets/<target>`.
    public let directory: String

    public init(stateDirectory: String, target: String) {
        self.target = target
        self.directory = stateDirectory + "/targets/" + target
    }

    public var statePath: String { directory + "/delivery.json" }
    var lockPath: String { directory + "/.lock" }
    /// The target's view of the publish directory.
    public var publishView: String { directory + "/publish" }

    /// The target's state; an empty one before its first cycle.
    /// - Throws: `DeliveryError` (`.state`) naming the file when it exists but cannot be used.
    ///   Never taken as "nothing delivered": that would upload everything again and forget
    ///   what is there to remove.
    public func load() throws(DeliveryError) -> TargetState {
        let bytes: [UInt8]?
        do {
            bytes = try FileOperations.exists(statePath) ? FileOperations.readFile(statePath) : nil
        } catch {
            throw failure("cannot read \(statePath): \(error)")
        }
        guard let bytes else { return TargetState() }
        do {
            return try PublishingJSON.decode(TargetState.self, from: bytes)
        } catch {
            throw failure(
                "\(statePath) is torn or damaged (\(error)); fix it, or move it away to deliver everything again"
            )
        }
    }

    public func save(_ state: TargetState) throws(DeliveryError) {
        do {
            try FileOperations.makeDirectories(directory, mode: 0o700)
            try FileOperations.replaceFile(
                statePath,
                try PublishingJSON.encode(state, fractionalDigits: 3),
                mode: 0o600
            )
        } catch {
            throw failure("cannot save \(statePath): \(error)")
        }
    }

    private func failure(_ message: String) -> DeliveryError {
        DeliveryError(code: .state, target: target, message: message)
    }

    /// Holds the target's lock until `release()`: one process delivers to a target at a time
    /// (the daemon, or a `refresh` run beside it).
    final class Lock: @unchecked Sendable {
        private var descriptor: Int32?
        init(_ descriptor: Int32) { self.descriptor = descriptor }
        func release() {
            if let descriptor { Syscall.close(descriptor) }
            descriptor = nil
        }
        deinit { release() }
    }

    /// The lock, or nil when another process holds it.
    func tryLock() throws(DeliveryError) -> Lock? {
        do {
            try FileOperations.makeDirectories(directory, mode: 0o700)
        } catch {
            throw failure("cannot create \(directory): \(error)")
        }
        do {
            let descriptor = try Syscall.open(lockPath, [.writeOnly, .create], mode: 0o600)
            let lock = Lock(descriptor)  // Closes the descriptor on every path but the one returning it.
            return try Syscall.tryLockExclusive(descriptor, path: lockPath) ? lock : nil
        } catch {
            throw failure("\(error)")
        }
    }
}
