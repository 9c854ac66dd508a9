/// Reads and writes the durations of the configuration file: "250ms", "90s", "5m", "48h",
/// "2d", and combinations from the largest unit to the smallest, like "1h30m" or "2d12h".
/// A bare "0" is zero. Whole numbers only, so that "1.5h" is written "1h30m".
public enum DurationParser {
    /// The hint every error ends with.
    public static let examples = "use 90s, 5m, 48h, 1h30m"

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses `text`; the error's description says what is wrong and how to write it.
    public static func parse(_ text: String) throws(DurationError) -> Duration {
        if text == "0" { return .zero }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw DurationError(text: text, problem: nil) }
        var position = 0
        var total: Int64 = 0
        var previousRank = -1
        while position < bytes.count {
            var number: Int64 = 0
            var digits = 0
            while position < bytes.count, (48...57).contains(bytes[position]) {
                let (times10, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int64(bytes[position] - 48))
                guard !overflow1, !overflow2 else { throw DurationError(text: text, problem: "it is too large") }
                number = sum
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw DurationError(text: text, problem: nil) }
            var suffixEnd = position
            while suffixEnd < bytes.count, (97...122).contains(bytes[suffixEnd]) { suffixEnd += 1 }
            let suffix = String(decoding: bytes[position..<suffixEnd], as: UTF8.self)
            guard let rank = units.firstIndex(where: { $0.suffix == suffix }) else {
                let problem =
                    suffixEnd == bytes.count && suffix.isEmpty ? "a number needs a unit (ms, s, m, h or d)" : nil
                throw DurationError(text: text, problem: problem)
            }
            guard rank > previousRank else {
                throw DurationError(text: text, problem: "units must go from the largest to the smallest")
            }
            previousRank = rank
            position = suffixEnd
            let (part, overflow1) = number.multipliedReportingOverflow(by: units[rank].milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            // Duration holds seconds in an Int64; keep a wide margin below it.
            guard !overflow1, !overflow2, sum <= Int64.max / 1_000_000 else {
                throw DurationError(text: text, problem: "it is too large")
            }
            total = sum
        }
        return .milliseconds(total)
    }

    /// The shortest text `parse` reads back as `duration` (to the millisecond): "1h30m", "250ms", "0s".
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var remaining = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if remaining == 0 { return "0s" }
        var text = remaining < 0 ? "-" : ""
        remaining = remaining.magnitude > Int64.max.magnitude ? Int64.max : abs(remaining)
        for unit in units where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.suffix)"
            remaining %= unit.milliseconds
        }
        return text
    }
}

/// A duration that could not be read; its description is what the configuration error shows.
public struct DurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    /// The specific problem, when there is one more useful than "is not a duration".
    public var problem: String?

    public var description: String {
        if let problem {
            return "\"\(text)\" is not a duration: \(problem) (\(DurationParser.examples))"
        }
        return "\"\(text)\" is not a duration (\(DurationParser.examples))"
    }
}
