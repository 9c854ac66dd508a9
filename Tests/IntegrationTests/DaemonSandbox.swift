import Foundation
import TestSupport

/// A real systemd to run the unit under: PID 1 of its own PID and mount namespace, booted by
/// scripts/systemd-sandbox.sh, with private /run, /tmp and /var/tmp. Commands run inside with
/// nsenter; the namespace ends with its systemd.
struct DaemonSandbox {
    let directory: String
    let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/systemd-sandbox.sh").path

    /// Boots systemd; the state (pid file, log) lives in `directory`.
    static func boot(in directory: String) throws -> DaemonSandbox {
        let sandbox = DaemonSandbox(directory: directory)
        let result = try runProcess(sandbox.script, ["start", directory])
        guard result.succeeded else {
            throw SandboxError(command: "systemd-sandbox.sh start", result: result)
        }
        return sandbox
    }

    func shutdown() {
        _ = try? runProcess(script, ["stop", directory])
    }

    @discardableResult
    func exec(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(script, ["exec", directory] + arguments)
    }

    /// Runs a bash script inside; throws with its stderr when it fails.
    @discardableResult
    func shell(_ script: String) throws -> String {
        let result = try exec(["bash", "-euo", "pipefail", "-c", script])
        guard result.succeeded else {
            throw SandboxError(command: script, result: result)
        }
        return result.output
    }

    func systemctl(_ arguments: String...) throws -> ProcessResult {
        try exec(["systemctl"] + arguments)
    }

    /// `systemctl show -p NAME --value UNIT`.
    func property(_ name: String, of unit: String) throws -> String {
        try systemctl("show", "-p", name, "--value", unit).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The journal entries of one run of a unit: the service's own (`_SYSTEMD_INVOCATION_ID`)
    /// and systemd's about it (`INVOCATION_ID`), oldest first. Filtering by invocation keeps out
    /// every other systemd on the machine that logs a unit of the same name.
    func journal(invocation: String) throws -> [JournalEntry] {
        let output = try exec([
            "journalctl", "--no-pager", "-o", "json", "_SYSTEMD_INVOCATION_ID=\(invocation)", "+",
            "INVOCATION_ID=\(invocation)",
        ]).output
        return output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).map(JournalEntry.init)
        }
    }

    /// Polls `condition` every 200 ms for up to `seconds`.
    func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }
}

/// One journal entry, its fields as strings (binary fields, which journalctl renders as byte
/// arrays, are left out).
struct JournalEntry: CustomStringConvertible {
    let fields: [String: Any]

    subscript(name: String) -> String? { fields[name] as? String }
    var message: String { self["MESSAGE"] ?? "" }
    /// Written by the service (a native entry or its stderr), not by systemd about it.
    var fromService: Bool { self["_SYSTEMD_INVOCATION_ID"] != nil }
    var description: String { message }
}

/// A command inside the sandbox that failed, with what it wrote.
struct SandboxError: Error, CustomStringConvertible {
    var command: String
    var result: ProcessResult
    var description: String { "\(command): exit \(result.status)\n\(result.errorOutput)\(result.output)" }
}
