/// A JSON document with its object keys in the order they were built, so that output such
/// as `inspect --json` is stable and reads top-down; the Parquet module has no Foundation.
public indirect enum JSONText: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONText])
    case object([(String, JSONText)])

    public static func == (a: JSONText, b: JSONText) -> Bool {
        a.rendered(indent: 0) == b.rendered(indent: 0)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rendered(indent: 0))
    }

    public static func int(_ value: Int) -> JSONText { .int(Int64(value)) }
    public static func optional(_ value: String?) -> JSONText { value.map(JSONText.string) ?? .null }
    public static func optional<I: BinaryInteger>(_ value: I?) -> JSONText { value.map { .int(Int64($0)) } ?? .null }
    public static func optional(_ value: Bool?) -> JSONText { value.map(JSONText.bool) ?? .null }

    /// The document as text; `indent` spaces per level, 0 for one line.
    public func rendered(indent: Int = 2) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    private func write(to out: inout String, indent: Int, level: Int) {
        let newline = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let closePad = String(repeating: " ", count: indent * level)
        let separator = indent > 0 ? ": " : ":"
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: &out, indent: indent, level: level + 1)
                out += (i + 1 < items.count ? "," : "") + newline
            }
            out += closePad + "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{" + newline
            for (i, (key, value)) in members.enumerated() {
                out += pad
                Self.quote(key, into: &out)
                out += separator
                value.write(to: &out, indent: indent, level: level + 1)
                out += (i + 1 < members.count ? "," : "") + newline
            }
            out += closePad + "}"
        }
    }

    /// RFC 8259 string escaping: quote, backslash and control characters.
    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
