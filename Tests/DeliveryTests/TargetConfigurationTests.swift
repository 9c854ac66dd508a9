import Foundation
import Publishing
import Testing

/// `[[target]]` as docs/delivery.md and docs/configuration.md describe it: the issue's keys
/// with their meanings, and errors that name the target and the key.
@Suite("[[target]] in the configuration")
struct TargetConfigurationTests {
    static let base = """
        [source]
        user = "reader"
        database = "shop"

        [publish]
        directory = "/srv/public"
        state_directory = "/var/lib/pp/state"

        [[dataset]]
        name = "orders"
        table = "orders"
        primary_key = "id"
        every = "5m"

        [[dataset]]
        name = "orders_daily"
        table = "orders_daily"
        primary_key = "day"
        every = "1h"

        """

    func errors(_ targets: String) -> [String] {
        do {
            _ = try Configuration.parse(Self.base + targets, path: "/etc/pp/config.toml")
            return []
        } catch let errors as ConfigurationErrors {
            return errors.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func theIssueExampleParsesWithEveryValue() throws {
        let configuration = try Configuration.parse(
            Self.base + """
                [[target]]
                name = "cdn"                         # in logs, status and metrics
                datasets = ["orders", "orders_daily"] # default: every dataset and rollup
                command = ["/usr/bin/rclone", "--config", "/etc/parquet-publisher/rclone.conf", "copy"]   # argv, no shell
                timeout = "10m"

                [[target]]
                name = "frontend"
                command = ["deliver-git", "/var/lib/parquet-publisher/frontend"]
                max_backoff = "1m"
                """,
            path: "/etc/pp/config.toml"
        )

        #expect(
            configuration.targets == [
                TargetConfiguration(
                    name: "cdn",
                    datasets: ["orders", "orders_daily"],
                    command: ["/usr/bin/rclone", "--config", "/etc/parquet-publisher/rclone.conf", "copy"],
                    timeout: .seconds(600)
                ),
                TargetConfiguration(
                    name: "frontend",
                    command: ["deliver-git", "/var/lib/parquet-publisher/frontend"],
                    maxBackoff: .seconds(60)
                ),
            ]
        )
        // Without `datasets`, everything the file publishes.
        #expect(configuration.targets[1].carried(from: configuration.publishedNames) == ["orders", "orders_daily"])
        #expect(try Configuration.parse(Self.base, path: "/etc/pp/config.toml").targets.isEmpty)
    }

    @Test func aRelativeProgramIsResolvedAgainstTheConfigurationsFolder() throws {
        let configuration = try Configuration.parse(
            Self.base + "[[target]]\nname = \"www\"\ncommand = [\"./deliver-rsync\", \"./out\"]\n",
            path: "/etc/pp/config.toml"
        )
        // The program like every path here; its arguments are the command's own business.
        #expect(configuration.targets.first?.command == ["/etc/pp/deliver-rsync", "./out"])
    }

    @Test func mistakesAreNamedWithTheTargetAndTheKey() {
        #expect(
            errors(
                """
                [[target]]
                name = "cdn"
                datasets = ["orders", "refunds"]
                command = []
                timeout = "ten minutes"
                retries = 3
                """
            ) == [
                "/etc/pp/config.toml: target \"cdn\": key \"command\": must name at least one argument (the program)",
                "/etc/pp/config.toml: target \"cdn\": key \"timeout\": \"ten minutes\" is not a duration (use 90s, 5m, 48h, 1h30m)",
                "/etc/pp/config.toml: target \"cdn\": key \"datasets\": \"refunds\" is not published by this file (it publishes \"orders\", \"orders_daily\")",
                "/etc/pp/config.toml: target \"cdn\": key \"retries\": unknown key; known keys are name, datasets, command, timeout, max_backoff",
            ]
        )
        #expect(
            errors("[[target]]\nname = \"a b\"\ncommand = \"rclone copy\"\n") == [
                "/etc/pp/config.toml: target \"#1\": key \"name\": \"a b\" is not a safe directory name: use letters, digits, _ and - only",
                "/etc/pp/config.toml: target \"#1\": key \"command\": expected an array of strings, found \"rclone copy\"",
            ]
        )
        #expect(
            errors("[[target]]\nname = \"cdn\"\ncommand = [\"x\"]\n[[target]]\nname = \"cdn\"\ncommand = [\"y\"]\n")
                == [
                    "/etc/pp/config.toml: target \"cdn\": key \"name\": target #2 has the same name as target #1"
                ]
        )
        #expect(
            errors("[[target]]\nname = \"cdn\"\n") == ["/etc/pp/config.toml: target \"cdn\": key \"command\": missing"]
        )
        #expect(
            errors("[target]\nname = \"cdn\"\n") == [
                "/etc/pp/config.toml: key \"target\": write [[target]] (an array of tables), not [target]"
            ]
        )
        #expect(
            errors("[[target]]\nname = \"cdn\"\ncommand = [\"x\"]\ndatasets = []\n") == [
                "/etc/pp/config.toml: target \"cdn\": key \"datasets\": must name at least one dataset"
            ]
        )
    }
}
