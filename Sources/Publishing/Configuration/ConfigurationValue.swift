import TOMLKit

/// How one TOML value of the configuration is read: the type it must have, the checks on it,
/// and what it becomes. A problem is reported through `ValueReading` and yields nil; the
/// section reader attaches the key, the entry and the file.
struct ConfigurationValue<Value> {
    let read: (any TOMLValueConvertible, inout ValueReading) -> Value?

    init(read: @escaping (any TOMLValueConvertible, inout ValueReading) -> Value?) {
        self.read = read
    }

    /// This value's result, checked or transformed further: `transform` reports through
    /// `reading` and returns nil when the value is not acceptable.
    func map<Other>(_ transform: @escaping (Value, inout ValueReading) -> Other?) -> ConfigurationValue<Other> {
        ConfigurationValue<Other> { raw, reading in
            guard let value = read(raw, &reading) else { return nil }
            return transform(value, &reading)
        }
    }
}

/// The problems found reading one value, and what reading needs to know.
struct ValueReading {
    /// Where relative paths are resolved from: the configuration file's folder.
    let baseDirectory: String
    private(set) var problems: [(ConfigurationError.Code, String)] = []

    init(baseDirectory: String) {
        self.baseDirectory = baseDirectory
    }

    /// Records a problem; returns nil for `return reading.fail(...)`.
    mutating func fail<T>(_ code: ConfigurationError.Code, _ message: String) -> T? {
        problems.append((code, message))
        return nil
    }

    /// The value as TOML shows it, for messages: `"3306"` for a string, `3306` for an integer.
    static func show(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string: return "\"\(value.string ?? "")\""
        case .table: return "a table"
        case .array: return "an array"
        default: return "\(value.type) \(value.debugDescription)"
        }
    }
}

extension ConfigurationValue where Value == String {
    /// A string, perhaps empty.
    static var text: Self {
        Self { raw, reading in
            guard let text = raw.string else {
                return reading.fail(.wrongType, "expected a string, found \(ValueReading.show(raw))")
            }
            return text
        }
    }

    /// A non-empty string.
    static var string: Self {
        text.map { text, reading in text.isEmpty ? reading.fail(.invalidValue, "must not be empty") : text }
    }

    /// A path, absolute or relative to the configuration file's folder; read as absolute.
    static var path: Self {
        string.map { text, reading in
            guard !text.contains("\0") else { return reading.fail(.invalidValue, "a path cannot contain NUL") }
            return PathResolution.resolve(text, against: reading.baseDirectory)
        }
    }

    /// A MySQL identifier (a schema, table or column name): 1-64 characters, no NUL, no trailing
    /// space (MySQL manual, "Schema Object Names"). Quoting is the source's job.
    static var identifier: Self { identifier(label: nil) }

    /// An identifier whose messages say what it names: `column "x" is empty`.
    static func identifier(label: String?) -> Self {
        (label == nil ? string : text).map { text, reading in
            guard let problem = Self.identifierProblem(text) else { return text }
            return reading.fail(.invalidValue, (label.map { "\($0) " } ?? "") + "\"\(text)\" \(problem)")
        }
    }

    static func identifierProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.count > 64 { return "is longer than MySQL's 64 characters" }
        if name.contains("\0") { return "contains NUL" }
        if name.hasSuffix(" ") { return "ends with a space, which MySQL does not allow" }
        return nil
    }

    private static let namePattern = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

    /// A name that is safe as a directory and file name: letters, digits, `_` and `-`.
    static var safeName: Self {
        string.map { text, reading in
            guard text.allSatisfy({ namePattern.contains($0) }), text.count <= 128 else {
                return reading.fail(
                    .invalidValue,
                    "\"\(text)\" is not a safe directory name: use letters, digits, _ and - only"
                )
            }
            return text
        }
    }
}

extension ConfigurationValue where Value == Int {
    /// An integer within `range`.
    static func integer(in range: ClosedRange<Int>) -> Self {
        Self { raw, reading in
            guard let value = raw.int else {
                return reading.fail(.wrongType, "expected an integer, found \(ValueReading.show(raw))")
            }
            guard range.contains(value) else {
                let bound =
                    range.upperBound == Int.max
                    ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
                return reading.fail(.invalidValue, "\(value) is out of range: must be \(bound)")
            }
            return value
        }
    }
}

extension ConfigurationValue where Value == Duration {
    /// A duration ("90s", "5m", "1h30m") no shorter than `minimum`.
    static func duration(atLeast minimum: Duration = .zero) -> Self {
        Self { raw, reading in
            guard let text = raw.string else {
                let hint =
                    raw.type == .int ? ": write it as a string with a unit, e.g. \"\(raw.debugDescription)s\"" : ""
                return reading.fail(
                    .wrongType,
                    "expected a duration string (\(DurationParser.examples)), found \(ValueReading.show(raw))\(hint)"
                )
            }
            let duration: Duration
            do {
                duration = try DurationParser.parse(text)
            } catch {
                return reading.fail(.invalidValue, "\(error)")
            }
            guard duration >= minimum else {
                let what =
                    minimum == .milliseconds(1) ? "greater than zero" : "at least \(DurationParser.format(minimum))"
                return reading.fail(.invalidValue, "\"\(text)\" is too short: must be \(what)")
            }
            return duration
        }
    }

    /// A duration greater than zero.
    static var positiveDuration: Self { duration(atLeast: .milliseconds(1)) }
}

extension ConfigurationValue where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of the raw values of `Value`.
    static var choice: Self {
        Self { raw, reading in
            guard let text = raw.string else {
                return reading.fail(.wrongType, "expected a string, found \(ValueReading.show(raw))")
            }
            guard let value = Value(rawValue: text) else {
                let allowed = Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                return reading.fail(.invalidValue, "\"\(text)\" is not one of \(allowed)")
            }
            return value
        }
    }
}

extension ConfigurationValue where Value == [String] {
    /// An array of strings, each read with `element`, at least one and (`unique`) none twice;
    /// with `allowSingle`, a lone string is a list of one. `noun` names an element in messages.
    static func list(
        of element: ConfigurationValue<String>,
        noun: String,
        allowSingle: Bool = false,
        unique: Bool = true
    ) -> Self {
        Self { raw, reading in
            var strings: [String] = []
            if allowSingle, let single = raw.string {
                strings = [single]
            } else if let array = raw.array, array.allSatisfy({ $0.string != nil }) {
                strings = array.compactMap { $0.string }
            } else {
                let expected = allowSingle ? "a string or an array of strings" : "an array of strings"
                return reading.fail(.wrongType, "expected \(expected), found \(ValueReading.show(raw))")
            }
            guard !strings.isEmpty else { return reading.fail(.invalidValue, "must name at least one \(noun)") }
            var seen = Set<String>()
            for text in strings where unique && !seen.insert(text).inserted {
                return reading.fail(.invalidValue, "\"\(text)\" is listed twice")
            }
            var values: [String] = []
            for text in strings {
                if let value = element.read(text, &reading) { values.append(value) }
            }
            return values.count == strings.count ? values : nil
        }
    }

    /// Column names: `primary_key = ["id"]`, `columns = [...]`.
    static func columns(allowSingle: Bool = false) -> Self {
        list(of: .identifier(label: "column"), noun: "column", allowSingle: allowSingle)
    }
}
