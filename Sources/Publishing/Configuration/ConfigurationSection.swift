import Foundation
import TOMLKit

/// A table of the configuration file, declared once: its keys, each with the TOML value it
/// takes and the field it sets, and the checks that involve more than one key.
///
/// How to add a key: a field with its default on the section's type, and one line in `keys`
/// (`.key("hot_window", \.hotWindow, .positiveDuration)`), in the order of its row in
/// docs/configuration.md. How to add a section: a type conforming to this protocol (its fields,
/// `init()` and `keys`; `check` for rules across keys), a field on `Configuration`, and one
/// line in `Configuration.keys`: `.table("name", \.field)` for `[name]`, or
/// `.tables("name", \.field)` for `[[name]]` entries (their `.name` key names them in errors).
/// Reading, type checks, "missing", unknown keys with "did you mean", and the file, entry and
/// key in every message are shared; `ConfigurationValue` has the value types (strings, paths,
/// identifiers, integers in a range, durations, choices, lists, sub-tables of free keys).
protocol ConfigurationSection {
    /// Every field at its default; required fields hold placeholders until they are read.
    init()
    /// Every key, in the order docs/configuration.md lists them; read in this order.
    static var keys: [ConfigurationKey<Self>] { get }
    /// Rules across keys, and defaults that depend on other keys or sections; runs after every
    /// key was read, before unknown keys are reported.
    mutating func check(_ reader: inout SectionReader)
}

extension ConfigurationSection {
    mutating func check(_ reader: inout SectionReader) {}

    /// The keys' names, in order.
    static var keyNames: [String] { keys.map(\.name) }

    /// Reads a whole TOML document as this section, as if from `path`: relative paths resolve
    /// against its folder.
    /// - Throws: `ConfigurationErrors` with every problem found (not only the first); a syntax
    ///   error with its line and column.
    static func readDocument(_ toml: String, path: String) throws -> Self {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            throw ConfigurationErrors([
                ConfigurationError(
                    code: .syntax,
                    file: path,
                    key: nil,
                    message: "not valid TOML: \(error.description)",
                    line: error.source.begin.line,
                    column: error.source.begin.column
                )
            ])
        } catch {
            throw ConfigurationErrors([
                ConfigurationError(code: .syntax, file: path, key: nil, message: "not valid TOML: \(error)")
            ])
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var reader = SectionReader(
            table: root,
            file: path,
            prefix: "",
            tablePath: "",
            entry: nil,
            knownKeys: keyNames,
            baseDirectory: FileOperations.parentDirectory(of: PathResolution.normalize(absolute)),
            context: ConfigurationContext()
        )
        let document = read(&reader)
        guard reader.errors.isEmpty else { throw ConfigurationErrors(reader.errors) }
        return document
    }

    /// Reads the section from `reader`'s table: every key, the checks, then unknown keys.
    static func read(_ reader: inout SectionReader) -> Self {
        var section = Self()
        for key in keys { key.read(&reader, &section) }
        section.check(&reader)
        reader.reportUnknownKeys()
        return section
    }
}

/// One key of a section: its name, and how it is read into the section.
struct ConfigurationKey<Section> {
    let name: String
    let read: (inout SectionReader, inout Section) -> Void

    /// A key read by `read` itself, for keys whose meaning involves others (`table` or
    /// `query`); a key whose `read` does nothing is read by another key's or by `check`.
    init(_ name: String, read: @escaping (inout SectionReader, inout Section) -> Void = { _, _ in }) {
        self.name = name
        self.read = read
    }

    /// `name` sets `field`; when absent the field keeps its default (or, `required`, it is an error).
    static func key<Value>(
        _ name: String,
        _ field: WritableKeyPath<Section, Value>,
        _ value: ConfigurationValue<Value>,
        required: Bool = false
    ) -> Self {
        Self(name) { reader, section in
            if let read = reader.read(name, value, required: required) { section[keyPath: field] = read }
        }
    }

    /// `name` sets the optional `field`; when absent the field stays nil.
    static func key<Value>(
        _ name: String,
        _ field: WritableKeyPath<Section, Value?>,
        _ value: ConfigurationValue<Value>
    ) -> Self {
        Self(name) { reader, section in
            if let read = reader.read(name, value) { section[keyPath: field] = read }
        }
    }

    /// The name of a `[[...]]` entry (letters, digits, `_`, `-`): required, unique among the
    /// entries, and from here on the entry's name in every error (`dataset "orders": ...`).
    static func name(_ name: String, _ field: WritableKeyPath<Section, String>) -> Self {
        Self(name) { reader, section in
            guard let read = reader.read(name, .safeName, required: true) else { return }
            section[keyPath: field] = read
            reader.name(read, by: name)
        }
    }

    /// A sub-table with keys of its own: `[source]`; `[rollup.where]` inside an entry.
    static func table<Table: ConfigurationSection>(
        _ name: String,
        _ field: WritableKeyPath<Section, Table>,
        required: Bool = true
    ) -> Self {
        Self(name) { reader, section in
            guard let table = reader.subtable(name, required: required) else { return }
            var child = reader.child(table, key: name, knownKeys: Table.keyNames)
            let read = Table.read(&child)
            reader.adopt(child)
            section[keyPath: field] = read
            if child.errors.isEmpty { reader.context.sections[child.prefix] = read }
        }
    }

    /// An array of tables, `[[name]]`, each with the keys of `Entry`; entries are named by
    /// their `.name` key (`"#2"` until it is read). With `ifNone`, at least one entry is
    /// required, and its absence says so: "no [[dataset]] tables: nothing to publish".
    static func tables<Entry: ConfigurationSection>(
        _ name: String,
        _ field: WritableKeyPath<Section, [Entry]>,
        ifNone: String? = nil
    ) -> Self {
        Self(name) { reader, section in
            guard let value = reader.table[name] else {
                if let ifNone { reader.report(.missingKey, name, "no [[\(name)]] tables: \(ifNone)") }
                return
            }
            guard let array = value.array else {
                let hint =
                    value.type == .table
                    ? "write [[\(name)]] (an array of tables), not [\(name)]"
                    : "expected [[\(name)]] tables, found \(ValueReading.show(value))"
                reader.report(.wrongType, name, hint)
                return
            }
            var entries: [Entry] = []
            var firstPosition: [String: Int] = [:]
            var clean = true
            for (offset, element) in array.enumerated() {
                let position = "#\(offset + 1)"
                let prefix = reader.dottedKey("\(name)[\(position)]")
                guard let table = element.table else {
                    let message = "expected a [[\(name)]] table, found \(ValueReading.show(element))"
                    reader.report(.wrongType, dottedKey: prefix, message)
                    clean = false
                    continue
                }
                let entry = ConfigurationError.Entry(kind: name, name: position)
                var child = reader.child(table, key: name, prefix: prefix, entry: entry, knownKeys: Entry.keyNames)
                entries.append(Entry.read(&child))
                if let key = child.namedBy, let entryName = child.entry?.name {
                    if let first = firstPosition[entryName] {
                        child.report(.duplicate, key, "\(name) \(position) has the same name as \(name) #\(first)")
                    } else {
                        firstPosition[entryName] = offset + 1
                    }
                }
                clean = clean && child.errors.isEmpty
                reader.adopt(child)
            }
            if array.isEmpty, let ifNone { reader.report(.missingKey, name, "no [[\(name)]] tables: \(ifNone)") }
            section[keyPath: field] = entries
            if clean { reader.context.sections[reader.dottedKey(name)] = entries }
        }
    }

    /// A sub-table whose keys are the user's own (`[rollup.measures]`: a name for each
    /// measure), each value read with `value`.
    static func entries<Value>(
        _ name: String,
        _ field: WritableKeyPath<Section, [String: Value]>,
        _ value: ConfigurationValue<Value>,
        required: Bool = false
    ) -> Self {
        Self(name) { reader, section in
            guard let table = reader.subtable(name, required: required) else { return }
            var child = reader.child(table, key: name, knownKeys: table.keys)
            var values: [String: Value] = [:]
            for key in table.keys {
                if let read = child.read(key, value) { values[key] = read }
            }
            reader.adopt(child)
            section[keyPath: field] = values
        }
    }
}

/// The sections read before the one being read, for rules that span sections (a dataset's
/// default schema is `[source] database`): each one read without an error, by its dotted key.
struct ConfigurationContext {
    var sections: [String: Any] = [:]

    /// The section at `key` ("source", "publish", "dataset"), if it was read without an error.
    func section<T>(_ key: String, as type: T.Type = T.self) -> T? {
        sections[key] as? T
    }
}
