import Testing

@testable import Publishing

/// A section declared the way `[[target]]` or `[[rollup]]` will be: the mechanism, not only
/// `[source]`, `[publish]` and `[[dataset]]`, gives every key its checks and every error its
/// file, entry and key.
private struct Target: ConfigurationSection {
    var name = ""
    var command: [String] = []
    var datasets: [String] = []
    var timeout: Duration = .seconds(600)
    var environment: [String: String] = [:]

    static var keys: [ConfigurationKey<Self>] {
        [
            .name("name", \.name),
            .key("command", \.command, .list(of: .string, noun: "argument", unique: false), required: true),
            .key("datasets", \.datasets, .list(of: .safeName, noun: "dataset")),
            .key("timeout", \.timeout, .positiveDuration),
            .entries("environment", \.environment, .string),
        ]
    }

    mutating func check(_ reader: inout SectionReader) {
        if let first = command.first, !first.hasPrefix("/") {
            reader.report(.invalidValue, "command", "\"\(first)\" is not an absolute path")
        }
    }
}

private struct Document: ConfigurationSection {
    var targets: [Target] = []
    static var keys: [ConfigurationKey<Self>] { [.tables("target", \.targets)] }
}

@Suite struct ANewSectionIsAFewDeclarativeLines {
    func errors(_ toml: String) -> [String] {
        do {
            _ = try Document.readDocument(toml, path: "c.toml")
            return []
        } catch {
            return "\(error)".split(separator: "\n").map(String.init)
        }
    }

    @Test func itsValuesAreRead() throws {
        let document = try Document.readDocument(
            """
            [[target]]
            name = "cdn"
            command = ["/usr/bin/rclone", "sync", "x", "x"]
            datasets = ["orders"]
            timeout = "2m"
            [target.environment]
            RCLONE_CONFIG = "/etc/rclone.conf"

            [[target]]
            name = "backup"
            command = ["/bin/true"]
            """,
            path: "c.toml"
        )
        #expect(document.targets.map(\.name) == ["cdn", "backup"])
        #expect(document.targets[0].command == ["/usr/bin/rclone", "sync", "x", "x"])
        #expect(document.targets[0].timeout == .seconds(120))
        #expect(document.targets[0].environment == ["RCLONE_CONFIG": "/etc/rclone.conf"])
        #expect(document.targets[1].timeout == .seconds(600))
        #expect(document.targets[1].datasets == [])
    }

    @Test func everyProblemIsReportedNamingTheEntryAndTheKey() {
        #expect(
            errors(
                """
                [[target]]
                name = "cdn"
                command = "rclone sync"
                timeout = 30
                timout = "1m"
                [target.environment]
                HOME = 1

                [[target]]
                name = "cdn"
                command = ["rclone"]
                datasets = ["orders", "orders"]
                """
            ) == [
                "c.toml: target \"cdn\": key \"command\": expected an array of strings, found \"rclone sync\"",
                "c.toml: target \"cdn\": key \"timeout\": expected a duration string (use 90s, 5m, 48h, 1h30m), "
                    + "found integer 30: write it as a string with a unit, e.g. \"30s\"",
                "c.toml: target \"cdn\": key \"environment.HOME\": expected a string, found integer 1",
                "c.toml: target \"cdn\": key \"timout\": unknown key; did you mean \"timeout\"?",
                "c.toml: target \"cdn\": key \"datasets\": \"orders\" is listed twice",
                "c.toml: target \"cdn\": key \"command\": \"rclone\" is not an absolute path",
                "c.toml: target \"cdn\": key \"name\": target #2 has the same name as target #1",
            ]
        )
    }

    @Test func syntaxErrorsCarryTheirLineAndColumn() {
        #expect(errors("[[target]]\nname = \"cdn\ncommand = []\n").first?.hasPrefix("c.toml:2:") == true)
    }
}
