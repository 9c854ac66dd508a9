import Foundation
import Testing

extension Trait where Self == ConditionTrait {
    /// For tests that run programs from Debian's packages (rclone, rsync, git): they run when
    /// every one is in PATH, skip when one is not, and under CI=true FAIL instead of skipping
    /// (`make deps` installs them, so a missing one is a broken setup, not a reason to skip).
    public static func requiresCommands(_ names: String...) -> Self {
        .enabled("needs \(names.joined(separator: ", ")) in PATH: run make deps") {
            let missing = names.filter { findExecutable($0) == nil }
            if missing.isEmpty { return true }
            if TestEnvironment.isCI { throw MissingCommandError(names: missing) }
            return false
        }
    }
}

/// Programs a test needs that are not installed.
public struct MissingCommandError: Error, CustomStringConvertible, Sendable {
    public var names: [String]
    public var description: String {
        "CI=true but \(names.joined(separator: ", ")) \(names.count == 1 ? "is" : "are") not in PATH: make deps installs them"
    }
}
