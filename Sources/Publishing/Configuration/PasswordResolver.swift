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

        public var description: String {
            switch self {
            case .passwordFile(let path): return "password_file \(path)"
            case .credential(let path): return "systemd credential \(path)"
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
    /// nil: none from a file of ours; Connector/C looks in `optionFile`, or the server accepts
    /// none (unix-socket authentication, say).
    public var password: SourcePassword?
    /// The MySQL option file Connector/C reads (its `[client]` group, `!include` and all):
    /// `option_file`, else `~/.my.cnf` when no password was found before it and it exists.
    public var optionFile: String?
    /// E.g. a password file others can read.
    public var warnings: [String]
}

/// Finds the MySQL password, in this order:
/// 1. `password_file` of `[source]`, if set (an unreadable file is an error, not a fall-through);
/// 2. `$CREDENTIALS_DIRECTORY/mysql-password`, which systemd provides for
///    `LoadCredential=mysql-password:/etc/parquet-publisher/mysql-password`;
/// 3. `password=` in the `[client]` section of `option_file`, or of `~/.my.cnf` when unset:
///    Connector/C reads that file itself (MYSQL_READ_DEFAULT_FILE), as the mysql client does,
///    `!include` and quoting rules and all; here it is only checked to be readable;
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
                optionFile: source.optionFile,
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
                    optionFile: source.optionFile,
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
        guard let optionPath else { return PasswordResolution(password: nil, optionFile: nil, warnings: warnings) }
        do {
            // Connector/C reads it; a file it cannot open is an error here, naming the file.
            Syscall.close(try Syscall.open(optionPath, .readOnly))
        } catch let error as FileSystemError where error.code == .notFound && source.optionFile == nil {
            // No ~/.my.cnf: nothing to read.
            return PasswordResolution(password: nil, optionFile: nil, warnings: warnings)
        } catch let error as FileSystemError where error.code == .permissionDenied && source.optionFile == nil {
            // ~/.my.cnf was not asked for, and a sandboxed service (ProtectHome=) cannot read it.
            warnings.append("\(optionPath) is not readable (\(error)); no password taken from it")
            return PasswordResolution(password: nil, optionFile: nil, warnings: warnings)
        } catch let error as FileSystemError {
            throw credentialError(
                optionPath,
                key: source.optionFile == nil ? nil : "source.option_file",
                error,
                configurationFile
            )
        }
        if let warning = try modeWarning(optionPath, optionFile: true) { warnings.append(warning) }
        return PasswordResolution(password: nil, optionFile: optionPath, warnings: warnings)
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
    private func modeWarning(_ path: String, optionFile: Bool = false) throws -> String? {
        guard let info = try Syscall.lstat(path) else { return nil }
        let mode = info.permissions
        guard mode & 0o077 != 0 else { return nil }
        let what = optionFile ? "option file" : "password file"
        let advice = optionFile ? "if it holds the password, run chmod 600 on it" : "run chmod 600 on it"
        return "\(what) \(path) is readable by group or others (mode \(String(mode, radix: 8))); \(advice)"
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
