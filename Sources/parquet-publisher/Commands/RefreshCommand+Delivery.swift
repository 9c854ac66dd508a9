import Delivery
import Foundation
import Logging
import Publishing

extension RefreshCommand {
    /// After the local publish, one delivery cycle per target, as the daemon runs after each
    /// refresh: each target catches up with every dataset it carries. A failure is reported
    /// (and in the target's state, so the daemon retries it) but never undoes the publish.
    /// A target the daemon is delivering to right now is left to it.
    /// - Returns: "target cdn" for each target that failed.
    static func deliver(_ configuration: Configuration, logger: Logger) -> [String] {
        var failures: [String] = []
        for target in configuration.targets {
            let report = TargetDelivery(configuration: configuration, target: target, logger: logger).run()
            let done = report.done.isEmpty ? "nothing to do" : report.done.joined(separator: ", ")
            if report.busy {
                Self.say("target \(target.name): another process (the daemon) is delivering to it; left to it")
            } else if let failure = report.failure {
                Self.say("\(failure)" + (report.done.isEmpty ? "" : " (done before: \(done))"))
                failures.append("target \(target.name)")
            } else {
                Self.say("target \(target.name): \(done)")
            }
        }
        return failures
    }

    private static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
