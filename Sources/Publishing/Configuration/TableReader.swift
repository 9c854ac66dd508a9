import TOMLKit

/// Reads the keys of one TOML table with the error reporting the configuration needs: every
/// problem is collected (not thrown) with its dotted key, and `finish()` reports the keys
/// nobody asked for as unknown, with the closest known key as a suggestion.
struct TableReader {
    let table: TOMLTable
    let file: String
    /// "source", "publish", "dataset[orders]".
    var prefix: String
    var dataset: String?
    let knownKeys: [String]
    /// Where relative paths are resolved from: the configuration file's folder.
    let baseDirectory: String
    private(set) var errors: [ConfigurationError] = []

    init(table: TOMLTable, file: String, prefix: String, dataset: String?, knownKeys: [String], baseDirectory: String) {
        self.table = table
        self.file = file
        self.prefix = prefix
        self.dataset = dataset
        self.knownKeys = knownKeys
        self.baseDirectory = baseDirectory
    }

    func dottedKey(_ key: String) -> String {
        prefix.isEmpty ? key : "\(prefix).\(key)"
    }

    mutating func report(_ code: ConfigurationError.Code, _ key: String, _ message: String) {
        precondition(knownKeys.contains(key), "reporting on an undeclared key \(key)")
        errors.append(
            ConfigurationError(code: code, file: file, key: dottedKey(key), dataset: dataset, message: message)
        )
    }

    func has(_ key: String) -> Bool {
        table[key] != nil
    }

    /// The value of `key` as TOML shows it, for messages: `"3306"` for a string, `3306` for an integer.
    static func show(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string: return "\"\(value.string ?? "")\""
        case .table: return "a table"
        case .array: return "an array"
        default: return "\(value.type) \(value.debugDescription)"
        }
    }

    private mutating func typed<T>(
        _ key: String,
        required: Bool,
        expected: String,
        _ extract: (any TOMLValueConvertible) -> T?
    ) -> T? {
        guard let value = table[key] else {
            if required { report(.missingKey, key, "missing") }
            return nil
        }
        guard let result = extract(value) else {
            report(.wrongType, key, "expected \(expected), found \(Self.show(value))")
            return nil
        }
        return result
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let text = typed(key, required: required, expected: "a string", { $0.string }) else { return nil }
        if text.isEmpty {
            report(.invalidValue, key, "must not be empty")
            return nil
        }
        return text
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let value = typed(key, required: required, expected: "an integer", { $0.int }) else { return nil }
        guard range.contains(value) else {
            let bound =
                range.upperBound == Int.max
                ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            report(.invalidValue, key, "\(value) is out of range: must be \(bound)")
            return nil
        }
        return value
    }

    /// A list of strings; with `allowSingle`, a lone string is a list of one.
    mutating func stringList(_ key: String, required: Bool = false, allowSingle: Bool = false) -> [String]? {
        let expected = allowSingle ? "a string or an array of strings" : "an array of strings"
        let list: [String]? = typed(key, required: required, expected: expected) { value in
            if allowSingle, let single = value.string { return [single] }
            guard let array = value.array else { return nil }
            var strings: [String] = []
            for element in array {
                guard let string = element.string else { return nil }
                strings.append(string)
            }
            return strings
        }
        guard let list else { return nil }
        if list.isEmpty {
            report(.invalidValue, key, "must name at least one column")
            return nil
        }
        var seen = Set<String>()
        for item in list where !seen.insert(item).inserted {
            report(.invalidValue, key, "\"\(item)\" is listed twice")
            return nil
        }
        return list
    }

    /// A duration ("90s", "5m", "1h30m") no shorter than `minimum`.
    mutating func duration(
        _ key: String,
        required: Bool = false,
        minimum: Duration = .zero,
        default value: Duration? = nil
    )
        -> Duration?
    {
        guard let raw = table[key] else {
            if required { report(.missingKey, key, "missing") }
            return value
        }
        guard let text = raw.string else {
            let hint = raw.type == .int ? ": write it as a string with a unit, e.g. \"\(raw.debugDescription)s\"" : ""
            report(
                .wrongType,
                key,
                "expected a duration string (\(DurationParser.examples)), found \(Self.show(raw))\(hint)"
            )
            return nil
        }
        let duration: Duration
        do {
            duration = try DurationParser.parse(text)
        } catch {
            report(.invalidValue, key, error.description)
            return nil
        }
        guard duration >= minimum else {
            let what = minimum == .milliseconds(1) ? "greater than zero" : "at least \(DurationParser.format(minimum))"
            report(.invalidValue, key, "\"\(text)\" is too short: must be \(what)")
            return nil
        }
        return duration
    }

    /// One of the raw values of `E`.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E?
    where E.RawValue == String {
        guard let text = typed(key, required: false, expected: "a string", { $0.string }) else { return nil }
        guard let value = E(rawValue: text) else {
            let allowed = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            report(.invalidValue, key, "\"\(text)\" is not one of \(allowed)")
            return nil
        }
        return value
    }

    /// A path, absolute or relative to the configuration file's folder; returned absolute.
    mutating func path(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        if text.contains("\0") {
            report(.invalidValue, key, "a path cannot contain NUL")
            return nil
        }
        return PathResolution.resolve(text, against: baseDirectory)
    }

    /// A MySQL identifier (a schema, table or column name): 1-64 characters, no NUL, no trailing
    /// space (MySQL manual, "Schema Object Names"). Quoting is the source's job.
    mutating func identifier(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        if let problem = Self.identifierProblem(text) {
            report(.invalidValue, key, "\"\(text)\" \(problem)")
            return nil
        }
        return text
    }

    static func identifierProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.count > 64 { return "is longer than MySQL's 64 characters" }
        if name.contains("\0") { return "contains NUL" }
        if name.hasSuffix(" ") { return "ends with a space, which MySQL does not allow" }
        return nil
    }

    /// Reports every key of the table that was not declared, suggesting the closest known one.
    mutating func finish() {
        for key in table.keys where !knownKeys.contains(key) {
            let message: String
            if let suggestion = KeySuggestion.closest(to: key, among: knownKeys) {
                message = "unknown key; did you mean \"\(suggestion)\"?"
            } else {
                message = "unknown key; known keys are \(knownKeys.joined(separator: ", "))"
            }
            errors.append(
                ConfigurationError(
                    code: .unknownKey,
                    file: file,
                    key: dottedKey(key),
                    dataset: dataset,
                    message: message
                )
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
