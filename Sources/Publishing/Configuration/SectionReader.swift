import TOMLKit

/// Reads the keys of one table of the configuration file for a `ConfigurationSection`, with
/// the error reporting the configuration needs: every problem is collected (not thrown) with
/// the file, the `[[...]]` entry and the dotted key, and `reportUnknownKeys()` reports the keys
/// no declaration asked for, with the closest known key as a suggestion.
struct SectionReader {
    let table: TOMLTable
    let file: String
    /// "", "source", "dataset[orders]", "rollup[daily].where": the prefix of dotted keys.
    private(set) var prefix: String
    /// The table's path as TOML writes it: "source", "dataset", "rollup.where".
    let tablePath: String
    /// The `[[...]]` entry the table is (or is inside of).
    private(set) var entry: ConfigurationError.Entry?
    let knownKeys: [String]
    /// Where relative paths are resolved from: the configuration file's folder.
    let baseDirectory: String
    /// The sections read before this one.
    var context: ConfigurationContext
    private(set) var errors: [ConfigurationError] = []

    init(
        table: TOMLTable,
        file: String,
        prefix: String,
        tablePath: String,
        entry: ConfigurationError.Entry?,
        knownKeys: [String],
        baseDirectory: String,
        context: ConfigurationContext
    ) {
        self.table = table
        self.file = file
        self.prefix = prefix
        self.tablePath = tablePath
        self.entry = entry
        self.knownKeys = knownKeys
        self.baseDirectory = baseDirectory
        self.context = context
    }

    /// A reader for the table `table` under `key` of this one (`[source]`, `[rollup.where]`).
    func child(
        _ table: TOMLTable,
        key: String,
        prefix: String? = nil,
        entry: ConfigurationError.Entry? = nil,
        knownKeys: [String]
    ) -> SectionReader {
        SectionReader(
            table: table,
            file: file,
            prefix: prefix ?? dottedKey(key),
            tablePath: tablePath.isEmpty ? key : "\(tablePath).\(key)",
            entry: entry ?? self.entry,
            knownKeys: knownKeys,
            baseDirectory: baseDirectory,
            context: context
        )
    }

    func dottedKey(_ key: String) -> String {
        prefix.isEmpty ? key : "\(prefix).\(key)"
    }

    /// The key that named the `[[...]]` entry, once it did.
    private(set) var namedBy: String?

    /// The `[[...]]` entry's name, read from `key`, is known and valid: later errors name the
    /// entry by it.
    mutating func name(_ name: String, by key: String) {
        guard let kind = entry?.kind else { return }
        prefix = "\(kind)[\(name)]"
        entry = ConfigurationError.Entry(kind: kind, name: name)
        namedBy = key
    }

    mutating func report(_ code: ConfigurationError.Code, _ key: String, _ message: String) {
        precondition(knownKeys.contains(key), "reporting on an undeclared key \(key)")
        errors.append(
            ConfigurationError(code: code, file: file, key: dottedKey(key), entry: entry, message: message)
        )
    }

    /// A problem with something that is not one of the table's keys: an element of an array
    /// of tables that is not a table (`dataset[#2]`).
    mutating func report(_ code: ConfigurationError.Code, dottedKey: String, _ message: String) {
        errors.append(ConfigurationError(code: code, file: file, key: dottedKey, entry: entry, message: message))
    }

    /// Errors of a table read with `child(_:key:...)`.
    mutating func adopt(_ child: SectionReader) {
        errors += child.errors
    }

    func has(_ key: String) -> Bool {
        table[key] != nil
    }

    /// The value of `key` read with `value`; nil when it is absent (reported as missing when
    /// `required`) or has a problem (reported).
    mutating func read<Value>(_ key: String, _ value: ConfigurationValue<Value>, required: Bool = false) -> Value? {
        guard let raw = table[key] else {
            if required { report(.missingKey, key, "missing") }
            return nil
        }
        var reading = ValueReading(baseDirectory: baseDirectory)
        let result = value.read(raw, &reading)
        for (code, message) in reading.problems { report(code, key, message) }
        return reading.problems.isEmpty ? result : nil
    }

    /// The sub-table at `key` (`[source]`, `[rollup.where]`); nil when it is absent (reported as
    /// missing when `required`) or not a table (reported).
    mutating func subtable(_ key: String, required: Bool) -> TOMLTable? {
        let path = tablePath.isEmpty ? key : "\(tablePath).\(key)"
        guard let value = table[key] else {
            if required { report(.missingKey, key, "missing: add a [\(path)] table") }
            return nil
        }
        guard let subtable = value.table else {
            report(.wrongType, key, "expected a [\(path)] table, found \(ValueReading.show(value))")
            return nil
        }
        return subtable
    }

    /// Reports every key of the table that was not declared, suggesting the closest known one.
    mutating func reportUnknownKeys() {
        for key in table.keys where !knownKeys.contains(key) {
            let message: String
            if let suggestion = KeySuggestion.closest(to: key, among: knownKeys) {
                message = "unknown key; did you mean \"\(suggestion)\"?"
            } else {
                message = "unknown key; known keys are \(knownKeys.joined(separator: ", "))"
            }
            errors.append(
                ConfigurationError(code: .unknownKey, file: file, key: dottedKey(key), entry: entry, message: message)
            )
        }
    }
}

/// The closest known key to a misspelt one, by optimal-string-alignment distance (a
/// transposition counts as one edit) or by one being a prefix of the other.
enum KeySuggestion {
    static func closest(to key: String, among candidates: [String]) -> String? {
        let lowered = key.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(lowered), Array(candidate))
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        if let best, best.distance <= max(2, key.count / 3) { return best.candidate }
        if lowered.count >= 4,
            let prefixed = candidates.first(where: { $0.hasPrefix(lowered) || lowered.hasPrefix($0) })
        {
            return prefixed
        }
        return nil
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

/// Turns configuration paths into absolute, normalised ones.
enum PathResolution {
    /// `path` if absolute, else `path` under `base`; "." and ".." components are folded.
    static func resolve(_ path: String, against base: String) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
