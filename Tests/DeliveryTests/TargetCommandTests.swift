import Foundation
import Publishing
import TestSupport
import Testing

@testable import Delivery

/// What a target's command can do wrong, and what the operator then sees: an error that names
/// the target, the phase and the version, the command's own last words, and never a secret.
@Suite("A target command that fails")
struct TargetCommandTests {
    let fixture: PublishFixture
    let log = LogRecorder()

    init() throws {
        fixture = try PublishFixture()
        try fixture.publish("orders", changed: ["2024-05.parquet": "may"])
    }

    func deliver(
        _ command: [String],
        timeout: Duration = .seconds(30),
        environment: [String: String] = [:]
    )
        -> TargetDelivery.Report
    {
        let target = TargetConfiguration(name: "cdn", command: command, timeout: timeout)
        return fixture.deliver(target, datasets: ["orders"], logger: log.logger, environment: environment)
    }

    @Test func thatIsMissingIsNamedWithItsTarget() throws {
        let report = deliver([fixture.root + "/no-such-deliver", "remote:bucket"])

        let failure = try #require(report.failure)
        #expect(failure.code == .commandNotFound)
        #expect(
            failure.description
                == "target \"cdn\": upload of orders/v1 failed: command \(fixture.root)/no-such-deliver: not found (no such file)"
        )
        #expect(try fixture.state(of: "cdn").lastError == failure.description)
        #expect(try fixture.state(of: "cdn").consecutiveFailures == 1)

        let bare = deliver(["no-such-deliver-command"])
        #expect(bare.failure?.description.contains("command no-such-deliver-command: not found in PATH") == true)
    }

    @Test func thatExitsNonZeroFailsItsPhaseWithItsLastLines() throws {
        let script = try fixture.script(
            "failing",
            """
            echo "copying $PP_VERSION_PATH"
            echo "Failed to copy: connection refused" >&2
            exit 3
            """
        )

        let report = deliver([script, "remote:bucket"])

        let failure = try #require(report.failure)
        #expect(failure.code == .commandFailed && failure.phase == .upload && failure.dataset == "orders")
        #expect(
            failure.description
                == "target \"cdn\": upload of orders/v1 failed: \(script) exited with status 3: Failed to copy: connection refused"
        )
        // Its output reached the log as it came, tagged with the target and the phase.
        let lines = log.entries.filter { $0.metadata["stream"] != nil }
        #expect(lines.map(\.message) == ["copying orders/v1", "Failed to copy: connection refused"])
        #expect(lines.allSatisfy { $0.metadata["target"] == "cdn" && $0.metadata["phase"] == "upload" })
        // Nothing after a failed upload: no commit ran.
        #expect(try fixture.state(of: "cdn").datasets["orders"]?.committed == nil)
    }

    @Test func thatHangsIsKilledWithEverythingItStarted() throws {
        let pidFile = fixture.root + "/helper.pid"
        let script = try fixture.script(
            "hanging",
            """
            sleep 300 &
            echo $! > '\(pidFile)'
            echo "waiting for the server" >&2
            wait
            """
        )

        // The daemon ignores SIGTERM (it takes it through a dispatch source), and an ignored
        // signal survives exec: the command must get it back at its default.
        let previous = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, previous) }
        let started = ContinuousClock.now
        let report = deliver([script], timeout: .milliseconds(700))
        let elapsed = ContinuousClock.now - started

        let failure = try #require(report.failure)
        #expect(failure.code == .timedOut)
        #expect(
            failure.description
                == "target \"cdn\": upload of orders/v1 failed: \(script) ran longer than timeout (700ms); its process group was killed: waiting for the server"
        )
        // SIGTERM reached the script and its background sleep alike, well before the SIGKILL
        // that follows 5 s later: nothing outlives the phase.
        #expect(elapsed < .seconds(4))
        let helper = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        )
        #expect(!isRunning(helper), "the script's background sleep (pid \(helper)) survived its timeout")
    }

    @Test func thatPrintsSecretsHasThemRedactedEverywhere() throws {
        let credentials = fixture.root + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        let token = "tok-\(UUID().uuidString)"
        let s3Secret = "s3-\(UUID().uuidString)"
        try token.write(toFile: credentials + "/api-token", atomically: true, encoding: .utf8)
        try """
        [cdn]
        type = s3
        provider = Other
        access_key_id = AKIA\(UInt32.random(in: 0...UInt32.max))
        secret_access_key = \(s3Secret)
        endpoint = http://127.0.0.1:9000
        """.write(toFile: credentials + "/rclone.conf", atomically: true, encoding: .utf8)
        let script = try fixture.script(
            "leaky",
            """
            echo "connecting with password \(fixture.mysqlPassword) and $(cat "$CREDENTIALS_DIRECTORY/api-token")"
            cat "$CREDENTIALS_DIRECTORY/rclone.conf"
            echo "auth failed for mysql://reader:\(fixture.mysqlPassword)@db/shop" >&2
            exit 1
            """
        )

        let report = deliver([script], environment: ["CREDENTIALS_DIRECTORY": credentials])

        let failure = try #require(report.failure)
        let state = try String(
            contentsOfFile: fixture.stateDirectory + "/targets/cdn/delivery.json",
            encoding: .utf8
        )
        for secret in [fixture.mysqlPassword, token, s3Secret] {
            #expect(!log.text.contains(secret), "the log has a secret")
            #expect(!failure.description.contains(secret), "the error has a secret")
            #expect(!state.contains(secret), "the state file has a secret")
        }
        #expect(
            failure.description.hasSuffix("exited with status 1: auth failed for mysql://reader:<redacted>@db/shop")
        )
        #expect(log.text.contains("connecting with password <redacted> and <redacted>"))
        #expect(log.text.contains("secret_access_key = <redacted>"))
        // What is not secret stays readable.
        #expect(log.text.contains("endpoint = http://127.0.0.1:9000") && log.text.contains("type = s3"))
    }
}

/// Whether `pid` is a live process (a zombie waiting for init to reap it is not), waiting up to
/// a second for one that was just killed.
func isRunning(_ pid: Int32) -> Bool {
    for _ in 0..<20 {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        if state == "Z" || state == "X" { return false }
        usleep(50_000)
    }
    return true
}

@Suite("Secret redaction")
struct SecretRedactorTests {
    @Test func credentialFilesGiveTheirSecretsAndKeepTheRest() {
        #expect(SecretRedactor.secrets(inCredential: "hunter2-long\n") == ["hunter2-long"])
        let config = """
            [remote]
            type = sftp
            user: deploy
            pass = "obscured-pass"
            key_file = /run/credentials/ssh-key
            -----BEGIN OPENSSH PRIVATE KEY-----
            b3BlbnNzaC1rZXktdjEAAAAA
            -----END OPENSSH PRIVATE KEY-----
            """
        #expect(
            SecretRedactor.secrets(inCredential: config) == ["obscured-pass", "b3BlbnNzaC1rZXktdjEAAAAA"]
        )
    }

    @Test func shortSecretsAreRedactedAsWholeWordsOnly() {
        let redactor = SecretRedactor(secrets: ["abc", "longer-secret"])
        #expect(
            redactor.redact("abc abcd x=abc longer-secret!") == "<redacted> abcd x=<redacted> <redacted>!"
        )
    }
}
