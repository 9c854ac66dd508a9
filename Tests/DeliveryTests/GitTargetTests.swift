import Foundation
import Publishing
import TestSupport
import Testing

@testable import Delivery

/// The git recipe: the seed's two-repository deploy into a local bare repository standing for
/// the frontend's remote. Every commit it pushes is a state a deploy could serve, so in every
/// commit the manifest must name only versions whose files that same commit holds in full.
@Suite("Delivery to a frontend repository with git", .requiresCommands("git"))
struct GitTargetTests {
    let fixture: PublishFixture
    let log = LogRecorder()
    let remote: String
    let checkout: String

    init() throws {
        fixture = try PublishFixture(keepVersionsFor: .zero)
        remote = fixture.root + "/frontend.git"
        checkout = fixture.root + "/frontend"
        let seed = fixture.root + "/seed"
        // The frontend's repository, with its app already in it.
        try git(["init", "--quiet", "--bare", "--initial-branch=main", remote])
        try git(["init", "--quiet", "--initial-branch=main", seed])
        try "<!doctype html><title>shop</title>".write(toFile: seed + "/index.html", atomically: true, encoding: .utf8)
        try git(["-C", seed, "add", "index.html"])
        try git(["-C", seed, "commit", "--quiet", "-m", "the app"])
        try git(["-C", seed, "push", "--quiet", remote, "main"])
        try git(["clone", "--quiet", remote, checkout])
    }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        let result = try runProcess(
            "git",
            ["-c", "user.name=test", "-c", "user.email=test@localhost"] + arguments,
            environment: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": fixture.root]
        )
        guard result.succeeded else {
            throw TestEnvironmentError(code: .invalidVariable, message: "git \(arguments): \(result.errorOutput)")
        }
        return result.output
    }

    func deliver() -> TargetDelivery.Report {
        let target = TargetConfiguration(
            name: "frontend",
            command: [PublishFixture.recipe("git"), "--directory", "public/data", checkout]
        )
        return fixture.deliver(
            target,
            datasets: ["orders"],
            logger: log.logger,
            environment: ["GIT_CONFIG_NOSYSTEM": "1"]
        )
    }

    @Test func eachPushedCommitHoldsTheManifestAndEveryFileItNames() throws {
        try fixture.publish("orders", changed: ["2024-04.parquet": "april", "2024-05.parquet": "may"])
        #expect(deliver().failure == nil)
        try fixture.publish("orders", changed: ["2024-05.parquet": "may, amended"])
        #expect(deliver().failure == nil)
        // Someone pushes to the app meanwhile: the next push is rebased onto it.
        let other = fixture.root + "/other"
        try git(["clone", "--quiet", remote, other])
        try "<!doctype html><title>shop v2</title>".write(
            toFile: other + "/index.html",
            atomically: true,
            encoding: .utf8
        )
        try git(["-C", other, "commit", "--quiet", "-am", "the app, again"])
        try git(["-C", other, "push", "--quiet", "origin", "main"])
        try fixture.publish("orders", changed: ["2024-06.parquet": "june"])
        let report = deliver()
        #expect(report.failure == nil, "\(report.failure.map { "\($0)" } ?? "")")

        let commits = try git(["-C", remote, "log", "--format=%H %s", "--reverse", "main"])
            .split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).map(String.init) }
        #expect(
            commits.map { $0[1] } == [
                "the app", "data: orders v1", "data: orders v2", "data: remove orders v1", "the app, again",
                "data: orders v3", "data: remove orders v2",
            ]
        )
        for commit in commits.map({ $0[0] }) {
            let files = try git(["-C", remote, "ls-tree", "-r", "--name-only", commit]).split(separator: "\n")
            guard files.contains("public/data/manifest.json") else { continue }
            let manifest = try git(["-C", remote, "show", "\(commit):public/data/manifest.json"])
            let object = try JSONSerialization.jsonObject(with: Data(manifest.utf8)) as? [String: Any]
            let entry = (object?["datasets"] as? [String: [String: Any]])?["orders"]
            let index = try #require(entry?["index"] as? String)
            let folder = "public/data/" + index.dropLast("/index.json".count)
            let indexJSON = try git(["-C", remote, "show", "\(commit):public/data/\(index)"])
            let listed = try DatasetIndex.decode(Array(indexJSON.utf8)).files
            for file in listed {
                let size = try git(["-C", remote, "cat-file", "-s", "\(commit):\(folder)/\(file.path)"])
                #expect(
                    Int64(size.trimmingCharacters(in: .whitespacesAndNewlines)) == file.bytes,
                    "\(commit) \(file.path)"
                )
            }
        }
        // The head: v3 alone, the app's latest page, no dot files.
        let head = Set(
            try git(["-C", remote, "ls-tree", "-r", "--name-only", "main"]).split(separator: "\n").map(String.init)
        )
        #expect(
            head == [
                "index.html", "public/data/manifest.json", "public/data/orders/v3/index.json",
                "public/data/orders/v3/2024-04.parquet", "public/data/orders/v3/2024-05.parquet",
                "public/data/orders/v3/2024-06.parquet",
            ]
        )
        #expect(try git(["-C", remote, "show", "main:index.html"]).contains("shop v2"))
    }
}
