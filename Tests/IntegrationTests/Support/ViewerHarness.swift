import Foundation
import TestSupport
import Testing

/// An nginx of the test's own on a free loopback port, serving web/ and a publish directory with
/// the reference site (systemd/nginx-site.conf) through scripts/viewer/nginx.sh, the way
/// `make demo` and `make bench-viewer` do. Stopped when the value goes.
final class ViewerServer: Sendable {
    let directory: TemporaryDirectory
    /// `http://127.0.0.1:PORT/`
    let url: String

    static let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/viewer/nginx.sh").path

    init(publishing publicDirectory: String) throws {
        directory = try TemporaryDirectory(prefix: "pp-viewer-nginx")
        let result = try runProcess(Self.script, ["start", directory.path, "--data", publicDirectory])
        try result.requireSuccess("scripts/viewer/nginx.sh start")
        url = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        _ = try? runProcess(Self.script, ["stop", directory.path])
    }

    /// One line of the access log (`log_format viewer` in the script's nginx.conf).
    struct Request: Equatable {
        var status: Int
        var bodyBytes: Int
        var path: String
        /// The Range header's `[start, end)`, nil without one.
        var range: Range<Int>?
        /// The X-Viewer-View header: the view the request belongs to.
        var view: String
    }

    /// Every request nginx has answered so far.
    func requests() throws -> [Request] {
        let text = try String(contentsOf: directory.appending("access.log"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            // 1796686710.240 206 3774 "GET /data/x.parquet" "bytes=4-50" "view"
            let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
            let head = line.split(separator: " ")
            guard quoted.count >= 7, head.count >= 3, let status = Int(head[1]), let bytes = Int(head[2]) else {
                throw TestEnvironmentError(code: .invalidVariable, message: "unexpected access log line: \(line)")
            }
            let path = String(quoted[1].split(separator: " ").last ?? "")
            var range: Range<Int>?
            let header = quoted[3]
            if header.hasPrefix("bytes=") {
                let bounds = header.dropFirst(6).split(separator: "-").compactMap { Int($0) }
                if bounds.count == 2 { range = bounds[0]..<(bounds[1] + 1) }
            }
            return Request(status: status, bodyBytes: bytes, path: path, range: range, view: String(quoted[5]))
        }
    }
}

/// Tests/TestSupport/viewer_browser.py: the viewer in headless Chromium, one fresh browser
/// context per view.
enum ViewerBrowser {
    struct View: Encodable {
        var id: String
        var query: String
        var screenshot: String? = nil
        var holdParquetAndRun: [String]? = nil
        /// A JavaScript function run in the page once it is ready; its result is `evaluated`.
        var evaluate: String? = nil

        enum CodingKeys: String, CodingKey {
            case id, query, screenshot, evaluate
            case holdParquetAndRun = "hold_parquet_and_run"
        }
    }

    /// `window.viewerReport`: the contract's fields, and the extra ones the tests check.
    struct Report: Decodable {
        var dataset: String?
        var version: Int?
        var from: String?
        var to: String?
        var rows: Int?
        var sum: String?
        var requests: Int
        var bytes: Int
        var ms: Double
        var columns: [String]?
        var files: [Slice]?
        var error: String?

        struct Slice: Decodable, Hashable {
            var path: String
            var rowStart: Int
            var rowEnd: Int
        }
    }

    struct Resource: Decodable {
        var name: String
        var encodedBodySize: Int
        var decodedBodySize: Int
        var responseStatus: Int?
    }

    struct Request: Decodable {
        var url: String
        var method: String
        var range: String?
    }

    struct Result: Decodable {
        var id: String
        var ready: String?
        var report: Report?
        var resources: [Resource]
        var requests: [Request]
        var errors: [String]
        var held: Held?
        /// The dataset menu's entries.
        var options: [String]
        /// What `evaluate` returned, as strings by name.
        var evaluated: [String: String]?

        struct Held: Decodable {
            var status: Int
            var stderr: String
        }
    }

    static let script = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/TestSupport/viewer_browser.py")
        .path

    /// Loads each view in turn and returns what the page reported.
    static func run(_ views: [View], base: String, scratch: TemporaryDirectory) throws -> [String: Result] {
        let chromium = try #require(BrowserEnvironment.chromium, "chromium is not installed")
        struct Plan: Encodable {
            var chromium: String
            var base: String
            var views: [View]
        }
        struct Output: Decodable { var views: [Result] }
        let output: Output = try runPythonScript(
            script,
            with: Plan(chromium: chromium, base: base, views: views),
            in: scratch,
            what: "viewer_browser.py (Chromium)"
        )
        return Dictionary(uniqueKeysWithValues: output.views.map { ($0.id, $0) })
    }
}

/// Tests/TestSupport/viewer_expectations.py: DuckDB's count and sum over a version's files, and
/// the bytes a view may fetch according to pyarrow's reading of the footers.
enum ViewerExpectations {
    struct Check: Encodable {
        var id: String
        var files: [String]
        var partitionBy: String
        var from: String
        var to: String
        var sum: String?
        var shown: [String]
        var selected: [Selected]

        struct Selected: Encodable {
            var file: String
            var rowStart: Int
            var rowEnd: Int
        }

        enum CodingKeys: String, CodingKey {
            case id, files, from, to, sum, shown, selected
            case partitionBy = "partition_by"
        }

        /// Explicit so `sum` goes out as null rather than missing.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(files, forKey: .files)
            try c.encode(partitionBy, forKey: .partitionBy)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(sum, forKey: .sum)
            try c.encode(shown, forKey: .shown)
            try c.encode(selected, forKey: .selected)
        }
    }

    struct Expected: Decodable {
        var id: String
        var rows: Int
        var sum: String?
        var shownChunkBytes: Int
        var tailBytes: Int

        enum CodingKeys: String, CodingKey {
            case id, rows, sum
            case shownChunkBytes = "shown_chunk_bytes"
            case tailBytes = "tail_bytes"
        }
    }

    static let script = TestEnvironment.repositoryRoot.appendingPathComponent(
        "Tests/TestSupport/viewer_expectations.py"
    ).path

    static func run(_ checks: [Check], scratch: TemporaryDirectory) throws -> [String: Expected] {
        struct Input: Encodable { var checks: [Check] }
        struct Output: Decodable { var checks: [Expected] }
        let output: Output = try runPythonScript(
            script,
            with: Input(checks: checks),
            in: scratch,
            what: "viewer_expectations.py (DuckDB, pyarrow)"
        )
        return Dictionary(uniqueKeysWithValues: output.checks.map { ($0.id, $0) })
    }
}

/// build/test-output/viewer/: screenshots for a person to look at (kept after the run).
enum ViewerOutput {
    static func directory() throws -> URL {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("build/test-output/viewer", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs a script of Tests/TestSupport with the test Python, its input as a JSON file (the path
/// is its argument) and its standard output decoded as JSON.
func runPythonScript<Input: Encodable, Output: Decodable>(
    _ script: String,
    with input: Input,
    in scratch: TemporaryDirectory,
    what: String
) throws -> Output {
    let file = scratch.appending("input-\(UUID().uuidString).json")
    try JSONEncoder().encode(input).write(to: file)
    let python = try PythonParquetReader.fromEnvironment().python
    let result = try runProcess(python, [script, file.path])
    try result.requireSuccess(what)
    return try JSONDecoder().decode(Output.self, from: result.standardOutput)
}

extension ProcessResult {
    /// Throws, with the command's standard error, unless it exited 0.
    func requireSuccess(_ what: String) throws {
        guard succeeded else {
            throw TestEnvironmentError(
                code: .invalidVariable,
                message: "\(what) failed (exit \(status)): \(errorOutput.suffix(4000))"
            )
        }
    }
}
