import Foundation
import Publishing
import TestSupport
import Testing

@testable import Delivery

/// docs/delivery.md and the `[[target]]` part of docs/configuration.md are contracts users and
/// their scripts rely on: they must match the code.
@Suite("The delivery documentation matches the code")
struct DeliveryDocumentationTests {
    static func text(_ name: String) throws -> String {
        try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("docs/" + name), encoding: .utf8)
    }

    /// The first column of every table row starting with a backticked name, after `marker`.
    static func rows(after marker: String, in text: String) -> [String] {
        guard let start = text.range(of: marker) else { return [] }
        var names: [String] = []
        var inTable = false
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("| `") {
                inTable = true
                names.append(String(line.dropFirst(3).prefix { $0 != "`" }))
            } else if inTable, !line.hasPrefix("|") {
                break
            }
        }
        return names
    }

    @Test func everyTargetKeyHasExactlyOneRow() throws {
        #expect(Self.rows(after: "## `[[target]]`", in: try Self.text("configuration.md")) == ConfigurationKeys.target)
        #expect(
            Self.rows(after: "timeout = \"10m\"\n```", in: try Self.text("delivery.md")) == ConfigurationKeys.target
        )
    }

    @Test func everyVariableACommandGetsIsDocumented() throws {
        let documented = Self.rows(after: "## The command's environment", in: try Self.text("delivery.md"))
        let variables = PhaseEnvironment(
            phase: .upload,
            target: "t",
            dataset: "d",
            version: 1,
            publishDirectory: "/p",
            datasetDirectory: "/p/d",
            previousVersion: nil
        ).variables
        #expect(Set(documented) == Set(variables.keys))
    }

    @Test func theFullExampleHasItsTarget() throws {
        let text = try Self.text("configuration.md")
        let start = try #require(text.range(of: "## A full example\n\n```toml\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let configuration = try Configuration.parse(
            String(text[start.upperBound..<end.lowerBound]),
            path: "/etc/parquet-publisher/config.toml"
        )
        #expect(configuration.targets.map(\.name) == ["cdn"])
    }
}
