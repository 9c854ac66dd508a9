import Delivery
import Foundation
import Publishing

extension StatusCommand {
    /// Each target: the version it has of each dataset against the local one, its lag, last
    /// success and error, from its state file; while the daemon runs, its view too (a phase
    /// running now, the next attempt after a failure).
    static func targets(
        _ configuration: Configuration,
        daemon: DaemonStatus?,
        now: Date
    ) -> (lines: [String], json: [String: Any]) {
        var lines: [String] = []
        var json: [String: Any] = [:]
        let live = daemon?["targets"] as? [String: Any] ?? [:]
        for target in configuration.targets {
            let store = TargetStateStore(stateDirectory: configuration.publish.stateDirectory, target: target.name)
            let liveEntry = live[target.name] as? [String: Any]
            var snapshot = TargetSnapshot(
                target: target,
                activity: daemon == nil ? .notRunning : .idle,
                state: TargetState()
            )
            var stateError: String?
            do {
                snapshot.state = try store.load()
            } catch {
                stateError = "\(error)"
            }
            if let liveEntry {
                snapshot.activity = (liveEntry["state"] as? String).flatMap(TargetSnapshot.Activity.init) ?? .idle
                snapshot.nextAttempt = (liveEntry["next_attempt"] as? String).flatMap(ISO8601Timestamp.date(from:))
            }
            var entry = snapshot.json(configuration: configuration, now: now)
            if let running = liveEntry?["running"], !(running is NSNull) { entry["running"] = running }
            if let stateError { entry["last_error"] = stateError }
            json[target.name] = entry
            lines.append(snapshot.line(configuration: configuration, now: now) + (stateError.map { "\n  \($0)" } ?? ""))
        }
        return (lines, json)
    }
}
