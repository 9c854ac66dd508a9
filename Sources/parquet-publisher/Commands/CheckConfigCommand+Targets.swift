import ArgumentParser
import Delivery
import Foundation
import Publishing

extension CheckConfigCommand {
    /// Every target's program must exist and be executable here (the daemon would fail each
    /// cycle otherwise); what the program does with its destination only a cycle shows.
    static func checkTargets(_ configuration: Configuration) throws {
        var problems: [String] = []
        for target in configuration.targets {
            if let problem = TargetDelivery.commandProblem(target) {
                problems.append("\(configuration.file): \(problem)")
            } else {
                let carried = target.carried(from: configuration.publishedNames).joined(separator: ", ")
                print("target \"\(target.name)\": ok, \(target.command[0]) carries \(carried)")
            }
        }
        guard problems.isEmpty else {
            for problem in problems { FileHandle.standardError.write(Data((problem + "\n").utf8)) }
            throw ExitCode(1)
        }
    }
}
