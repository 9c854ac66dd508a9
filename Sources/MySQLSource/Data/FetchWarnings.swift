/// Values the source could not represent and published as NULL, counted per column so that
/// the caller can log them. They are data problems in the source, not failures.
public struct FetchWarnings: Sendable, Hashable, CustomStringConvertible {
    /// Zero dates ('0000-00-00', '0000-00-00 00:00:00') and dates with a zero month or day
    /// ('2024-00-00'), per column: they name no day, so they become NULL.
    public var zeroDates: [String: Int] = [:]
    /// Dates that do not exist in the calendar ('2024-02-30', stored under
    /// ALLOW_INVALID_DATES), per column; NULL too.
    public var invalidDates: [String: Int] = [:]

    public init() {}

    public var isEmpty: Bool { zeroDates.isEmpty && invalidDates.isEmpty }

    /// Every value counted here became NULL.
    public var total: Int { zeroDates.values.reduce(0, +) + invalidDates.values.reduce(0, +) }

    public mutating func merge(_ other: FetchWarnings) {
        zeroDates.merge(other.zeroDates, uniquingKeysWith: +)
        invalidDates.merge(other.invalidDates, uniquingKeysWith: +)
    }

    /// e.g. "zero dates read as NULL: created_at 3, shipped_at 1".
    public var description: String {
        func list(_ counts: [String: Int]) -> String {
            counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        var parts: [String] = []
        if !zeroDates.isEmpty { parts.append("zero dates read as NULL: \(list(zeroDates))") }
        if !invalidDates.isEmpty { parts.append("invalid dates read as NULL: \(list(invalidDates))") }
        return parts.isEmpty ? "no warnings" : parts.joined(separator: "; ")
    }
}
