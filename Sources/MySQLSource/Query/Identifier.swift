/// Validation and quoting of identifiers that come from the configuration (schema, table and
/// column names), so that they can be put into SQL text safely.
///
/// Rules follow the MySQL manual, "Schema Object Names": at most 64 characters, only
/// characters U+0001...U+FFFF, no trailing space. We also refuse the backtick: MySQL allows it
/// doubled inside a quoted name, but no sane table needs one and refusing it keeps quoting
/// trivially correct.
public enum Identifier {
    public static let maximumLength = 64

    /// Throws `.invalidIdentifier` naming `context` (e.g. `dataset "orders" key "table"`) when
    /// `name` cannot be used.
    public static func validate(_ name: String, context: String) throws {
        func fail(_ reason: String) -> MySQLError {
            MySQLError(.invalidIdentifier, "\(context): \"\(printable(name))\" is not a usable identifier: \(reason)")
        }
        guard !name.isEmpty else { throw fail("it is empty") }
        var count = 0
        for scalar in name.unicodeScalars {
            count += 1
            if scalar == "`" { throw fail("it contains a backtick") }
            if scalar.value == 0 { throw fail("it contains a NUL character") }
            if scalar.value > 0xFFFF {
                throw fail("it contains \(scalar.escaped(asASCII: true)), outside the Basic Multilingual Plane")
            }
        }
        if count > maximumLength { throw fail("it is longer than \(maximumLength) characters") }
        if name.unicodeScalars.last == " " { throw fail("it ends with a space") }
    }

    /// The name in backticks, after validation.
    public static func quote(_ name: String, context: String) throws -> String {
        try validate(name, context: context)
        return quoteUnchecked(name)
    }

    /// Backtick quoting for names known to be valid (read from information_schema, or
    /// validated already). A backtick inside is doubled, as MySQL requires.
    public static func quoteUnchecked(_ name: String) -> String {
        "`" + name.replacingBackticks() + "`"
    }

    /// The name with control characters escaped, for messages.
    private static func printable(_ name: String) -> String {
        var text = ""
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += scalar.escaped(asASCII: true)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}

extension String {
    fileprivate func replacingBackticks() -> String {
        guard contains("`") else { return self }
        var result = ""
        for character in self {
            if character == "`" { result += "``" } else { result.append(character) }
        }
        return result
    }
}

/// A table, optionally qualified by its schema, validated and ready to quote.
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    /// nil: the connection's default schema (`database` in the options).
    public var schema: String?
    public var name: String

    /// Validates both parts; errors name `context`.
    public init(schema: String?, name: String, context: String) throws {
        if let schema { try Identifier.validate(schema, context: context) }
        try Identifier.validate(name, context: context)
        self.schema = schema
        self.name = name
    }

    /// Parses a configuration value: "orders" or "otherdb.orders". A name with a dot in it
    /// cannot be written this way.
    public init(parsing text: String, context: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: try self.init(schema: nil, name: text, context: context)
        case 2: try self.init(schema: String(parts[0]), name: String(parts[1]), context: context)
        default:
            throw MySQLError(
                .invalidIdentifier,
                "\(context): \"\(text)\" is not a table name: expected \"table\" or \"schema.table\""
            )
        }
    }

    internal init(unchecked schema: String?, _ name: String) {
        self.schema = schema
        self.name = name
    }

    /// `schema`.`name` or `name`.
    public var quoted: String {
        if let schema { return Identifier.quoteUnchecked(schema) + "." + Identifier.quoteUnchecked(name) }
        return Identifier.quoteUnchecked(name)
    }

    public var description: String { quoted }
}
