import ArgumentParser
import Daemon
import Dispatch
import Foundation
import Publishing

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground: every dataset refreshed on its schedule (systemd Type=notify).")

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    func run() throws {
        let logger = CommandLogging.bootstrap(label: "parquet-publisher")
        let configuration = try CommandLogging.loadConfiguration(config)
        let scheduler = try Scheduler(configuration: configuration, configurationPath: config, logger: logger)
        try scheduler.start()
        dispatchMain()
    }
}
