import MySQLSource
import Parquet

/// The account of a failed refresh that a public file (status.json) may carry: the kind of
/// failure and the codes an operator can look up (MySQL error and SQLSTATE, errno), never a
/// host, port, user, path or SQL text. The full error goes to the journal and the private
/// state file.
public enum PublicErrorMessage {
    /// What status.json says of a failure the daemon did not see itself (one recorded in the
    /// state file before it started).
    public static let unknown = "the last refresh failed; the journal and the state file have the details"

    /// A short message for `error`, from the most specific error in its chain of causes.
    public static func of(_ error: any Error) -> String {
        let chain = causes(of: error)
        if let mysql = chain.lazy.compactMap({ $0 as? MySQLError }).first {
            return describe(mysql)
        }
        if let file = chain.lazy.compactMap({ $0 as? FileSystemError }).first {
            let detail = file.errno.map { SystemErrno.describe($0) } ?? "\(file.code)"
            return "a file operation of the publish failed: \(detail)"
        }
        if chain.contains(where: { $0 is ConfigurationError || $0 is ConfigurationErrors }) {
            return "the configuration cannot be used; the journal has the details"
        }
        if chain.contains(where: { $0 is ParquetError }) {
            return "writing Parquet failed; the journal has the details"
        }
        if let publishing = chain.lazy.compactMap({ $0 as? PublishingError }).first {
            return describe(publishing.code)
        }
        return "the refresh failed; the journal has the details"
    }

    private static func describe(_ error: MySQLError) -> String {
        let what: String
        switch error.code {
        case .connectionFailed: what = "cannot connect to the source database"
        case .tls: what = "TLS with the source database failed"
        case .connectionLost: what = "the connection to the source database was lost"
        case .tableNotFound, .columnNotFound, .unsupportedType, .invalidIdentifier, .schemaMismatch:
            what = "the source table does not match the configuration"
        case .statementFailed: what = "a statement on the source database failed"
        case .invalidOptions: what = "the connection settings cannot be used"
        case .invalidValue, .misuse: what = "reading the source database failed"
        }
        guard let number = error.mysqlErrno else { return what }
        return what + " (MySQL error \(number)" + (error.sqlState.map { ", SQLSTATE \($0)" } ?? "") + ")"
    }

    private static func describe(_ code: PublishingError.Code) -> String {
        switch code {
        case .missingTable, .missingColumn, .unsupportedType, .unsupportedPartitionColumn:
            return "the source table does not match the configuration"
        case .sourceFailed: return "reading the source database failed"
        case .encodingFailed: return "writing Parquet failed"
        case .publishFailed: return "publishing the new version failed"
        case .stateUnreadable: return "the dataset's state file cannot be used"
        case .cancelled: return "the refresh was cancelled"
        case .locked: return "another process is refreshing the dataset"
        case .duplicateKey: return "the source holds a repeated primary_key value"
        case .corruptPublishedFile: return "a published file is damaged and could not be repaired"
        }
    }

    /// `error` and the errors it was caused by, outermost first.
    private static func causes(of error: any Error) -> [any Error] {
        var chain: [any Error] = []
        var next: (any Error)? = error
        while let current = next, chain.count < 16 {
            chain.append(current)
            switch current {
            case let e as PublishingError: next = e.cause
            case let e as MySQLError: next = e.cause
            case let e as FileSystemError: next = e.cause
            case let e as ConfigurationError: next = e.cause
            default: next = nil
            }
        }
        return chain
    }
}
