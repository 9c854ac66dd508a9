import Foundation
import Logging

/// The MySQL password, kept out of every description, log line and dump.
public struct SourcePassword: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Where it was found.
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        /// `password_file` of `[source]`.
        case passwordFile(String)
        /// `$CREDENTIALS_DIRECTORY/mysql-password`, from systemd's `LoadCredential=`.
        case credential(String)
        /// The `[client]` section of a MySQL option file.
        case optionFile(String)

        public var description: String {
            switch self {
            case .passwordFile(let path): return "password_file \(path)"
            case .credential(let path): return "systemd credential \(path)"
            case .optionFile(let path): return "option file \(path)"
            }
        }
    }

    /// The secret itself: hand it to the client library and nowhere else.
    public let value: String
    public let origin: Origin

    public init(value: String, origin: Origin) {
        self.value = value
        self.origin = origin
    }

    public var description: String { "<password redacted, from \(origin)>" }
    public var debugDescription: String { description }
}

/// What `PasswordResolver` found, with the warnings it has for the operator.
public struct PasswordResolution: Sendable, Equatable {
    /// nil: no password anywhere (the server may accept none, e.g. unix-socket authentication).
    public var password: SourcePassword?
    /// E.g. a password file others can read.
    public var warnings: [String]
}

/// Finds the MySQL password, in this order:
/// 1. `password_file` of `[source]`, if set (an unreadable file is an error, not a fall-through);
/// 2. `$CREDENTIALS_DIRECTORY/mysql-password`, which systemd provides for
///    `LoadCredential=mysql-password:/etc/parquet-publisher/mysql-password`;
/// 3. `password=` in the `[client]` section of `option_file`, or of `~/.my.cnf` when unset;
/// 4. none.
///
/// The password never comes from argv or the configuration file itself. The environment is a
/// parameter so tests (which run in parallel) never touch the process's own.
public struct PasswordResolver: Sendable {
    public var environment: [String: String]
    public var logger: Logger?

    public init(environment: [String: String], logger: Logger? = nil) {
        self.environment = environment
        self.logger = logger
    }

    /// The name of the credential systemd's `LoadCredential=` gives us.
    public static let credentialName = "mysql-password"

    /// - Throws: `ConfigurationError` (code `.credential`) naming the file and its errno when a
    ///   file that should hold the password cannot be read.
    public func resolve(
        for source: SourceConfiguration,
        configurationFile: String = "configuration"
    ) throws
        -> PasswordResolution
    {
        var warnings: [String] = []
        defer {
            for warning in warnings { logger?.warning("\(warning)") }
        }

        if let path = source.passwordFile {
            let (value, warning) = try readSecretFile(
                path,
                key: "source.password_file",
                configurationFile: configurationFile
            )
            if let warning { warnings.append(warning) }
            return PasswordResolution(
                password: SourcePassword(value: value, origin: .passwordFile(path)),
                warnings: warnings
            )
        }

        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = FileOperations.join(directory, Self.credentialName)
            if try Syscall.lstat(path) != nil {
                // systemd keeps credentials private to the unit: its mode needs no warning.
                let (value, _) = try readSecretFile(path, key: nil, configurationFile: configurationFile)
                return PasswordResolution(
                    password: SourcePassword(value: value, origin: .credential(path)),
                    warnings: warnings
                )
            }
        }

        let optionPath: String?
        if let explicit = source.optionFile {
            optionPath = explicit
        } else if let home = environment["HOME"], !home.isEmpty {
            optionPath = FileOperations.join(home, ".my.cnf")
        } else {
            optionPath = nil
        }
        if let optionPath {
            let bytes: [UInt8]?
            do {
                bytes = try FileOperations.readFile(optionPath)
            } catch let error as FileSystemError where error.code == .notFound && source.optionFile == nil {
                bytes = nil  // no ~/.my.cnf: nothing to read.
            } catch let error as FileSystemError where error.code == .permissionDenied && source.optionFile == nil {
                // ~/.my.cnf was not asked for, and a sandboxed service (ProtectHome=) cannot read it.
                warnings.append("\(optionPath) is not readable (\(error)); no password taken from it")
                bytes = nil
            } catch let error as FileSystemError {
                throw credentialError(
                    optionPath,
                    key: source.optionFile == nil ? nil : "source.option_file",
                    error,
                    configurationFile
                )
            }
            if let bytes {
                if let value = MySQLOptionFile.password(in: String(decoding: bytes, as: UTF8.self)) {
                    if let warning = try modeWarning(optionPath) { warnings.append(warning) }
                    return PasswordResolution(
                        password: SourcePassword(value: value, origin: .optionFile(optionPath)),
                        warnings: warnings
                    )
                }
            }
        }
        return PasswordResolution(password: nil, warnings: warnings)
    }

    /// The most a password file may hold. A password is short; a larger file is the wrong file
    /// (`password_file = "/dev/zero"` once read 6.6 GB before anyone noticed).
    public static let maximumPasswordFileBytes = 4096

    /// The file's content less one trailing newline, and a warning if others may read it.
    /// Only a regular file of at most `maximumPasswordFileBytes` is read: a device, FIFO or
    /// directory is refused before any read, and a larger file after reading just past the cap.
    private func readSecretFile(_ path: String, key: String?, configurationFile: String) throws -> (String, String?) {
        let bytes: [UInt8]
        do {
            let fd = try Syscall.open(path, .readOnly)
            defer { Syscall.close(fd) }
            let info = try Syscall.fstat(fd, path: path)
            guard info.kind == .regular else {
                throw ConfigurationError(
                    code: .credential,
                    file: configurationFile,
                    key: key,
                    message:
                        "password file \(path) is not a regular file (it is a \(info.kind == .directory ? "directory" : "device, FIFO or socket")); it must hold the password and nothing else"
                )
            }
            bytes = try Syscall.readAll(fd, path: path, limit: Self.maximumPasswordFileBytes)
        } catch let error as FileSystemError {
            throw credentialError(path, key: key, error, configurationFile)
        }
        guard bytes.count <= Self.maximumPasswordFileBytes else {
            throw ConfigurationError(
                code: .credential,
                file: configurationFile,
                key: key,
                message:
                    "password file \(path) holds more than \(Self.maximumPasswordFileBytes) bytes; a password is short: is it the right file?"
            )
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\n") || text.hasSuffix("\r\n") {
            text.removeLast()  // "\r\n" is one Character
        }
        return (text, try modeWarning(path))
    }

    /// A warning when group or others may read the file (`mode & 0o077`).
    private func modeWarning(_ path: String) throws -> String? {
        guard let info = try Syscall.lstat(path) else { return nil }
        let mode = info.permissions
        guard mode & 0o077 != 0 else { return nil }
        return
            "password file \(path) is readable by group or others (mode \(String(mode, radix: 8))); run chmod 600 on it"
    }

    private func credentialError(
        _ path: String,
        key: String?,
        _ error: FileSystemError,
        _ configurationFile: String
    )
        -> ConfigurationError
    {
        let detail = error.errno.map { SystemErrno.describe($0) } ?? error.message
        return ConfigurationError(
            code: .credential,
            file: configurationFile,
            key: key,
            message: "cannot read password file \(path): \(detail)",
            cause: error
        )
    }
}

/// Reads `password=` from the `[client]` section of a MySQL option file (MySQL manual, "Using
/// Option Files"): `#` and `;` comments, optional spaces around `=`, values in single or double
/// quotes with backslash escapes. The last `password` in `[client]` wins, as in the client.
enum MySQLOptionFile {
    static func password(in text: String) -> String? {
        var inClient = false
        var password: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line.hasPrefix("!") { continue }
            if line.hasPrefix("[") {
                let name = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces).lowercased()
                inClient = name == "client"
                continue
            }
            guard inClient else { continue }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(
                of: "_",
                with: "-"
            )
            guard name == "password" else { continue }
            password = parts.count == 2 ? value(parts[1].trimmingCharacters(in: .whitespaces)) : ""
        }
        return password
    }

    private static func value(_ raw: String) -> String {
        guard let quote = raw.first, quote == "\"" || quote == "'" else {
            // Unquoted: a " #" starts a comment.
            if let comment = raw.range(of: " #") {
                return raw[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            return raw
        }
        var result = ""
        var escaped = false
        for character in raw.dropFirst() {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "b": result.append("\u{8}")
                case "s": result.append(" ")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == quote {
                break
            } else {
                result.append(character)
            }
        }
        return result
    }
}
