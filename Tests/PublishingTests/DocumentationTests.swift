import Foundation
import Testing

@testable import Publishing

/// docs/configuration.md is the contract users read: it must match the code.
@Suite struct TheConfigurationDocumentationMatchesTheCode {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8)
    }

    /// The rows of the table under `## heading`, by key.
    static func documentedKeys(under heading: String, in text: String) -> [String] {
        guard let start = text.range(of: "\n## \(heading)\n") else { return [] }
        let rest = text[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        return section.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).prefix { $0 != "`" }.description
        }
    }

    @Test(arguments: [
        ("`[source]`", ConfigurationKeys.source), ("`[publish]`", ConfigurationKeys.publish),
        ("`[[dataset]]`", ConfigurationKeys.dataset),
    ])
    func everyKeyHasExactlyOneRow(heading: String, keys: [String]) throws {
        let documented = Self.documentedKeys(under: heading, in: try Self.text("configuration.md"))
        #expect(documented == keys)
    }

    @Test func theFullExampleIsValid() throws {
        let text = try Self.text("configuration.md")
        let start = try #require(text.range(of: "## A full example\n\n```toml\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let configuration = try Configuration.parse(
            String(text[start.upperBound..<end.lowerBound]),
            path: "/etc/parquet-publisher/config.toml"
        )
        #expect(configuration.datasets.map(\.name) == ["orders", "offers", "active_sellers"])
    }

    @Test func theErrorExamplesAreWhatTheCodeSays() throws {
        let text = try Self.text("configuration.md")
        let errors = configurationErrors(
            configurationText(
                publish: "directory = \"/srv\"",
                datasets: [
                    orders(replacing: "every", with: "every = \"5 minutes\"") + "\nevrey = \"5m\""
                ]
            ),
            path: "config.toml"
        )
        #expect(errors.count == 3)
        for error in errors {
            #expect(text.contains(error.description), "docs lack: \(error.description)")
        }
    }
}
