import Foundation
import TestSupport
import Testing

/// moto's S3 server on a free loopback port (`s3_target.py serve`), for as long as the value
/// lives, and the browser-like readers of `s3_target.py` pointed at it.
final class S3Server: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("s3_target.py").path

    let python: String
    let process = Process()
    let port: Int
    var endpoint: String { "http://127.0.0.1:\(port)" }

    init(in directory: String) throws {
        python = try PythonParquetReader.fromEnvironment().python
        let portFile = directory + "/s3.port"
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script, "serve", portFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var port: Int?
        while port == nil, Date() < deadline, process.isRunning {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            if port == nil { usleep(50_000) }
        }
        guard let port else {
            process.terminate()
            throw TestEnvironmentError(
                code: .pythonNotFound,
                message: "moto's S3 server did not start (s3_target.py serve)"
            )
        }
        self.port = port
    }

    deinit { stop() }

    /// SIGKILL: the server keeps nothing worth a clean stop, and a child of the test runner may
    /// have SIGTERM blocked or ignored (both are inherited across exec).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The server stops answering (SIGSTOP): connections hang, as with a stuck network.
    func pause() { kill(process.processIdentifier, SIGSTOP) }
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// An rclone configuration naming this server `s3`.
    func rcloneConfiguration() -> String {
        """
        [s3]
        type = s3
        provider = Other
        access_key_id = test
        secret_access_key = test-secret
        endpoint = \(endpoint)
        region = us-east-1
        force_path_style = true

        """
    }

    private func helper(_ arguments: [String]) throws -> Data {
        let result = try runProcess(python, [Self.script] + arguments)
        guard result.succeeded else {
            throw TestEnvironmentError(
                code: .pythonNotFound,
                message: "s3_target.py \(arguments.first ?? "") failed (exit \(result.status)): \(result.errorOutput)"
            )
        }
        return result.standardOutput
    }

    /// Every object under `prefix`: key, size, Cache-Control.
    func objects(bucket: String, prefix: String) throws -> [(key: String, size: Int, cacheControl: String?)] {
        let list =
            try JSONSerialization.jsonObject(with: try helper(["objects", endpoint, bucket, prefix]))
            as? [[String: Any]]
        return (list ?? []).map {
            ($0["key"] as? String ?? "", $0["size"] as? Int ?? -1, $0["cache_control"] as? String)
        }
    }

    /// One version read from the bucket and from the publish directory with pyarrow.
    func compare(
        bucket: String,
        prefix: String,
        local: String,
        dataset: String,
        version: Int
    ) throws -> (files: Int, rows: Int, equal: Bool) {
        let output = try helper(["compare", endpoint, bucket, prefix, local, dataset, String(version)])
        let object = try JSONSerialization.jsonObject(with: output) as? [String: Any]
        return (object?["files"] as? Int ?? -1, object?["rows"] as? Int ?? -1, object?["equal"] as? Bool ?? false)
    }

    /// A reader polling the bucket in the background until `finish()`.
    final class Poller {
        let process = Process()
        let stopFile: String
        let reportFile: String

        init(server: S3Server, bucket: String, prefix: String, directory: String) throws {
            stopFile = directory + "/poller.stop"
            reportFile = directory + "/poller.json"
            process.executableURL = URL(fileURLWithPath: server.python)
            process.arguments = [S3Server.script, "poll", server.endpoint, bucket, prefix, stopFile, reportFile]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        struct Report {
            var iterations: Int
            var unreachable: Int
            var seen: [String: [Int]]
            var violations: [String]
        }

        func finish() throws -> Report {
            FileManager.default.createFile(atPath: stopFile, contents: Data())
            process.waitUntilExit()
            let data = try Data(contentsOf: URL(fileURLWithPath: reportFile))
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            return Report(
                iterations: object["iterations"] as? Int ?? 0,
                unreachable: object["unreachable"] as? Int ?? 0,
                seen: object["seen"] as? [String: [Int]] ?? [:],
                violations: object["violations"] as? [String] ?? []
            )
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// moto's S3 server in the test venv (requirements-test.txt has it): runs when importable,
    /// skips otherwise, fails under CI=true.
    static var requiresS3Server: Self {
        .enabled("needs moto in the venv: run make deps") {
            let python = try? PythonParquetReader.fromEnvironment().python
            if let python, (try? runProcess(python, ["-c", "import moto.server, boto3, pyarrow"]))?.succeeded == true {
                return true
            }
            if TestEnvironment.isCI {
                throw TestEnvironmentError(
                    code: .pythonNotFound,
                    message: "CI=true but moto is not in the venv: make deps installs it"
                )
            }
            return false
        }
    }
}

/// The environment target commands get in the delivery tests: this one's PATH and HOME, and
/// nothing that changes how rclone talks to a server (AWS_CA_BUNDLE, which rclone 1.60 cannot
/// combine with its own HTTP transport, is set on some machines).
func deliveryEnvironment(home: String, _ extra: [String: String] = [:]) -> [String: String] {
    let own = ProcessInfo.processInfo.environment
    return ["PATH": own["PATH"] ?? "/usr/bin:/bin", "HOME": home].merging(extra) { _, new in new }
}
