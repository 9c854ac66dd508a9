import Foundation
import Publishing

/// Replaces every secret the daemon knows of with `<redacted>` in what a target command
/// printed, before it reaches a log line, status.json or the state file. A target command is
/// the user's program: it may echo its configuration, an rclone debug dump or a URL with a
/// password in it, and the journal is read by more people than the credentials are.
///
/// What counts as a secret (docs/delivery.md lists it for users):
/// - the MySQL password, as resolved for the source (password_file, credential, option file);
/// - from every file in `$CREDENTIALS_DIRECTORY` (systemd's `LoadCredential=`): the whole file
///   when it is one line (a password, a token); in a file of several lines, the value of each
///   `name = value` or `name: value` line whose name mentions a password, secret, token, key,
///   credential or auth (but not a path: `key_file`), and every line of a PEM block
///   (`-----BEGIN … PRIVATE KEY-----`);
/// - the value of every environment variable whose name says the same (`RCLONE_CONFIG_PASS`,
///   `AWS_SECRET_ACCESS_KEY`), except names of paths (`…_FILE`, `…_DIRECTORY`, `…_PATH`).
public struct SecretRedactor: Sendable {
    public static let replacement = "<redacted>"
    /// Secrets at least this long are replaced wherever they occur; shorter ones only where
    /// they make up a whole word, so that a 3-letter secret does not blank every word holding it.
    static let substringMinimum = 4

    /// Longest first, so that a secret containing another is replaced whole.
    public private(set) var secrets: [String]

    public init(secrets: some Sequence<String>) {
        let unique = Set(secrets.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty })
        self.secrets = unique.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// Every secret reachable from the configuration and the environment, read now (credentials
    /// and the password file may change on reload). Unreadable sources contribute nothing: the
    /// refresh that needs the password reports that itself.
    public static func collect(
        configuration: Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> SecretRedactor {
        var found: [String] = []
        if let password = try? PasswordResolver(environment: environment)
            .resolve(for: configuration.source, configurationFile: configuration.file).password
        {
            found.append(password.value)
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() {
                guard let bytes = try? FileOperations.readFile(directory + "/" + name), bytes.count <= 1 << 20 else {
                    continue
                }
                found += secrets(inCredential: String(decoding: bytes, as: UTF8.self))
            }
        }
        for (name, value) in environment where Self.namesSecret(name) && !Self.namesPath(name) {
            found.append(value)
        }
        return SecretRedactor(secrets: found)
    }

    /// The secrets in one credential file's text.
    static func secrets(inCredential text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = trimmed.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count > 1 else { return [trimmed] }
        var found: [String] = []
        var inBlock = false
        for line in lines {
            if line.hasPrefix("-----BEGIN ") {
                inBlock = true
                continue
            }
            if line.hasPrefix("-----END ") {
                inBlock = false
                continue
            }
            if inBlock {
                found.append(line)
                continue
            }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let name = line[..<separator].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            if namesSecret(name) && !namesPath(name) { found.append(value) }
        }
        return found
    }

    private static let secretWords = ["pass", "secret", "token", "key", "credential", "auth"]

    static func namesSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return secretWords.contains { lowered.contains($0) }
    }

    static func namesPath(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["_file", "_directory", "_dir", "_path"].contains { lowered.hasSuffix($0) }
    }

    /// `text` with every secret replaced.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets {
            if secret.count >= Self.substringMinimum {
                guard result.contains(secret) else { continue }
                result = result.replacingOccurrences(of: secret, with: Self.replacement)
            } else {
                result = Self.replacingWords(equal: secret, in: result)
            }
        }
        return result
    }

    private static func replacingWords(equal secret: String, in text: String) -> String {
        guard text.contains(secret) else { return text }
        var output = ""
        var word = ""
        func flush() {
            output += word == secret ? replacement : word
            word = ""
        }
        for character in text {
            if character.isWhitespace || character == "=" || character == ":" || character == "\"" {
                flush()
                output.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return output
    }
}
