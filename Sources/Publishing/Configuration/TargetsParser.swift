import TOMLKit

/// Reads the `[[target]]` tables, collecting every error the way `ConfigurationParser` does
/// (each names the target and the key). Kept apart from it: targets are their own concern, and
/// `ConfigurationParser.parse` only calls this and adds what it found.
struct TargetsParser {
    let file: String
    let baseDirectory: String

    private static let namePattern = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

    /// - Parameter published: every dataset (and rollup) name the file publishes, which a
    ///   target's `datasets` may name; nil when those could not be read (then names are not checked).
    func parse(
        _ root: TOMLTable,
        published: [String]?
    ) -> (targets: [TargetConfiguration], errors: [ConfigurationError]) {
        guard let value = root["target"] else { return ([], []) }
        guard let array = value.array else {
            let hint =
                value.type == .table
                ? "write [[target]] (an array of tables), not [target]"
                : "expected [[target]] tables, found \(TableReader.show(value))"
            return ([], [ConfigurationError(code: .wrongType, file: file, key: "target", message: hint)])
        }
        var targets: [TargetConfiguration] = []
        var errors: [ConfigurationError] = []
        var firstPosition: [String: Int] = [:]
        for (offset, element) in array.enumerated() {
            let position = offset + 1
            guard let table = element.table else {
                errors.append(
                    ConfigurationError(
                        code: .wrongType,
                        file: file,
                        key: "target[#\(position)]",
                        message: "expected a [[target]] table, found \(TableReader.show(element))"
                    )
                )
                continue
            }
            let (target, tableErrors) = parseTarget(table, position: position, published: published)
            errors += tableErrors
            guard let target else { continue }
            if let first = firstPosition[target.name] {
                errors.append(
                    ConfigurationError(
                        code: .duplicate,
                        file: file,
                        key: "target[\(target.name)].name",
                        message: "target #\(position) has the same name as target #\(first)"
                    )
                )
                continue
            }
            firstPosition[target.name] = position
            targets.append(target)
        }
        return (targets, errors)
    }

    private func parseTarget(
        _ table: TOMLTable,
        position: Int,
        published: [String]?
    ) -> (TargetConfiguration?, [ConfigurationError]) {
        var r = TableReader(
            table: table,
            file: file,
            prefix: "target[#\(position)]",
            dataset: nil,
            knownKeys: ConfigurationKeys.target,
            baseDirectory: baseDirectory
        )
        var name = r.string("name", required: true)
        if let candidate = name {
            if !candidate.allSatisfy({ Self.namePattern.contains($0) }) || candidate.count > 128 {
                r.report(
                    .invalidValue,
                    "name",
                    "\"\(candidate)\" is not a safe name: use letters, digits, _ and - only"
                )
                name = nil
            } else {
                r.prefix = "target[\(candidate)]"
            }
        }

        let datasets = strings(&r, "datasets", what: "dataset")
        if let datasets, let published {
            for dataset in datasets where !published.contains(dataset) {
                let known = published.map { "\"\($0)\"" }.joined(separator: ", ")
                r.report(
                    .invalidValue,
                    "datasets",
                    "\"\(dataset)\" is not published by this file (it publishes \(known))"
                )
            }
        }
        if !r.has("command") { r.report(.missingKey, "command", "missing: the program and its arguments, as an array") }
        var command = strings(&r, "command", what: "argument")
        if let program = command?.first {
            if program.contains("\0") {
                r.report(.invalidValue, "command", "a program path cannot contain NUL")
                command = nil
            } else if program.contains("/") {
                // Relative to the configuration file's folder, like every other path here; a bare
                // name is looked up in PATH when the command runs.
                command![0] = PathResolution.resolve(program, against: baseDirectory)
            }
        }
        let timeout = r.duration("timeout", minimum: .milliseconds(1), default: TargetConfiguration.defaultTimeout)
        let maxBackoff = r.duration(
            "max_backoff",
            minimum: .milliseconds(1),
            default: TargetConfiguration.defaultMaxBackoff
        )
        r.finish()
        guard r.errors.isEmpty, let name, let command, let timeout, let maxBackoff else { return (nil, r.errors) }
        return (
            TargetConfiguration(
                name: name,
                datasets: datasets,
                command: command,
                timeout: timeout,
                maxBackoff: maxBackoff
            ),
            []
        )
    }

    /// A non-empty array of non-empty strings, each once (`what` names an element in messages).
    private func strings(_ r: inout TableReader, _ key: String, what: String) -> [String]? {
        guard let value = r.table[key] else { return nil }
        guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
            r.report(.wrongType, key, "expected an array of strings, found \(TableReader.show(value))")
            return nil
        }
        let list = array.compactMap(\.string)
        if list.isEmpty {
            let hint = key == "datasets" ? "; leave the key out to carry every dataset" : ""
            r.report(.invalidValue, key, "must name at least one \(what)\(hint)")
            return nil
        }
        if let empty = list.firstIndex(of: "") {
            r.report(.invalidValue, key, "\(what) #\(empty + 1) is empty")
            return nil
        }
        if key == "datasets" {
            var seen = Set<String>()
            if let twice = list.first(where: { !seen.insert($0).inserted }) {
                r.report(.invalidValue, key, "\"\(twice)\" is listed twice")
                return nil
            }
        }
        return list
    }
}
