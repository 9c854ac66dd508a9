import Daemon
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
    ) -> (lines: [String], json: [String: TargetStatus]) {
        var lines: [String] = []
        var json: [String: TargetStatus] = [:]
        for target in configuration.targets {
            let store = TargetStateStore(stateDirectory: configuration.publish.stateDirectory, target: target.name)
            let live = daemon?.document.targets[target.name]
            var snapshot = TargetSnapshot(
                target: target,
                activity: daemon == nil ? .notRunning : (live?.state ?? .idle),
                state: TargetState()
            )
            snapshot.nextAttempt = live?.nextAttempt
            var stateError: String?
            do {
                snapshot.state = try store.load()
            } catch {
                stateError = "\(error)"
            }
            var entry = snapshot.status(configuration: configuration, now: now, publicErrors: false)
            entry.running = live?.running
            if let stateError { entry.lastError = stateError }
            json[target.name] = entry
            lines.append(snapshot.line(configuration: configuration, now: now) + (stateError.map { "\n  \($0)" } ?? ""))
        }
        return (lines, json)
    }
}
