/// One thing wrong with the configuration file, naming the key (and dataset) to fix.
///
/// The description reads like
/// `config.toml: dataset "orders": key "every": "5 minutes" is not a duration (use 90s, 5m, 48h, 1h30m)`
/// or `config.toml: key "publish.directory": missing`.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file could not be read.
        public static let unreadable = Code("unreadable")
        /// The file is not valid TOML.
        public static let syntax = Code("syntax")
        /// A key the program does not know (usually a typo).
        public static let unknownKey = Code("unknownKey")
        /// A required key is absent.
        public static let missingKey = Code("missingKey")
        /// A value of the wrong TOML type (a number where a string belongs, say).
        public static let wrongType = Code("wrongType")
        /// A value of the right type that is not acceptable (a bad duration, an unknown granularity).
        public static let invalidValue = Code("invalidValue")
        /// Keys that contradict each other (`table` and `query`, say).
        public static let conflict = Code("conflict")
        /// Two datasets with one name.
        public static let duplicate = Code("duplicate")
        /// A credential file that cannot be read.
        public static let credential = Code("credential")
    }

    /// A `[[...]]` entry: its kind (the array's name, "dataset") and its name ("orders", or
    /// "#3" for the third entry while it has no usable name).
    public struct Entry: Hashable, Sendable {
        public var kind: String
        public var name: String

        public init(kind: String, name: String) {
            self.kind = kind
            self.name = name
        }
    }

    public var code: Code
    /// The configuration file as it was named.
    public var file: String
    /// The dotted key: "publish.directory", "source.port", "dataset[orders].every"; nil for
    /// errors about the whole file.
    public var key: String?
    /// The `[[...]]` entry the key is in.
    public var entry: Entry?
    public var message: String
    /// 1-based position of a syntax error.
    public var line: Int?
    public var column: Int?
    public var cause: (any Error & Sendable)?

    public init(
        code: Code,
        file: String,
        key: String?,
        entry: Entry? = nil,
        message: String,
        line: Int? = nil,
        column: Int? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.file = file
        self.key = key
        self.entry = entry
        self.message = message
        self.line = line
        self.column = column
        self.cause = cause
    }

    /// The dataset's name (or "#3" for the third [[dataset]] when it has no usable name).
    public var dataset: String? {
        entry?.kind == "dataset" ? entry?.name : nil
    }

    /// The key as a person reads it: the name within the entry, or the dotted key otherwise.
    public var displayKey: String? {
        guard let key else { return nil }
        if let entry, key.hasPrefix("\(entry.kind)["), let close = key.firstIndex(of: "]") {
            let rest = key[key.index(after: close)...]
            return rest.hasPrefix(".") ? String(rest.dropFirst()) : nil
        }
        return key
    }

    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let entry { text += "\(entry.kind) \"\(entry.name)\": " }
        if let displayKey { text += "key \"\(displayKey)\": " }
        text += message
        if let cause { text += " (\(cause))" }
        return text
    }
}

/// Everything wrong with one configuration file, reported at once so a person fixes it in one go.
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigurationError]

    public init(_ errors: [ConfigurationError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
