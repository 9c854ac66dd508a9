import ArgumentParser
import Daemon
import Dispatch
import Foundation
import Logging
import Publishing

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground: every dataset refreshed on its schedule (systemd Type=notify).",
        discussion: """
            SIGHUP reloads the configuration and refreshes every dataset at once; SIGTERM and SIGINT \
            stop after running refreshes publish. Under systemd it reports READY=1, STATUS= and \
            WATCHDOG=1 and logs to the journal; see docs/operations.md.
            """
    )

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String

    func run() throws {
        let logger = CommandLogging.bootstrap(label: "parquet-publisher")
        let configuration: Configuration
        do {
            configuration = try Configuration.load(contentsOf: config)
        } catch {
            logger.critical("cannot start: the configuration is invalid: \(error)", metadata: ["error": "\(error)"])
            throw ExitCode(CommandLogging.configurationErrorStatus)
        }
        let scheduler: Scheduler
        do {
            scheduler = try Scheduler(configuration: configuration, configurationPath: config, logger: logger)
            try scheduler.start()
        } catch {
            logger.critical("cannot start: \(error)", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        withExtendedLifetime(scheduler) { dispatchMain() }
    }
}
