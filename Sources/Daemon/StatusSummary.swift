import Foundation
import Publishing

/// What the daemon says about its datasets: the one-line STATUS= for `systemctl status`, and
/// the entries of status.json. Pure functions of the schedules' snapshots, for tests.
enum StatusSummary {
    /// "orders v124 5.0M rows 2m ago; offers refreshing 40%".
    static func line(_ snapshots: [DatasetSchedule.Snapshot], now: Date = Date()) -> String {
        let parts = snapshots.map { part($0, now: now) }
        return parts.isEmpty ? "no datasets" : parts.joined(separator: "; ")
    }

    static func part(_ s: DatasetSchedule.Snapshot, now: Date) -> String {
        var text = s.name
        switch s.activity {
        case .refreshing:
            if let p = s.progress, let percent = percent(s) {
                text += " refreshing \(percent)%"
                if p.phase != .fetching { text += " (\(p.phase.rawValue))" }
            } else if let p = s.progress, p.rows > 0 {
                text += " \(p.phase.rawValue) \(count(p.rows)) rows"
            } else if let p = s.progress {
                text += " \(p.phase.rawValue)"
            } else {
                text += " refreshing"
            }
            if s.overdue { text += " (overdue)" }
            return text
        case .waiting:
            text += " waiting for a refresh slot"
            return text
        case .idle:
            break
        }
        if let published = s.published, published.version > 0 {
            text += " v\(published.version)"
            if let rows = published.rows { text += " \(count(rows)) rows" }
            if let success = published.lastSuccess ?? s.lastSuccess { text += " \(age(from: success, to: now)) ago" }
        } else {
            text += " nothing published yet"
        }
        if s.failures > 0 { text += " (failing \(s.failures)x)" }
        return text
    }

    /// How far a refresh that reads the whole dataset has got, from the previous version's row
    /// count; nil for a delta, whose size is not known in advance, or after the fetch.
    static func percent(_ s: DatasetSchedule.Snapshot) -> Int? {
        guard let expected = s.expectedRows, expected > 0, let p = s.progress else { return nil }
        switch p.phase {
        case .connecting, .describing: return 0
        case .fetching: return min(99, p.rows * 100 / expected)
        case .merging, .writing, .publishing, .reconciling: return 99
        case .done: return 100
        }
    }

    /// 812, 15k, 5.0M.
    static func count(_ n: Int) -> String {
        if n >= 1_000_000 { return String(format: "%.1fM", Double(n) / 1e6) }
        if n >= 10_000 { return "\(n / 1000)k" }
        return String(n)
    }

    /// 45s, 2m, 3h, 2d.
    static func age(from date: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }

    /// One dataset's entry in status.json.
    static func entry(_ s: DatasetSchedule.Snapshot, now: Date) -> StatusDocument.Dataset {
        let state = s.published
        // The source's clock when the published data was read: what the data is as of.
        let asOf = state?.watermark.map { Date(timeIntervalSince1970: Double($0) / 1e6) }
        return StatusDocument.Dataset(
            state: s.activity,
            version: state.flatMap { $0.version > 0 ? $0.version : nil },
            rows: state?.rows,
            lastSuccess: state?.lastSuccess ?? s.lastSuccess,
            lastDurationSeconds: state?.lastDuration,
            // The state file's text is the full error: status.json is public.
            lastError: s.lastError ?? state?.lastError.map { _ in PublicErrorMessage.unknown },
            lastErrorAt: s.lastError != nil ? s.lastErrorAt : state?.lastErrorAt,
            consecutiveFailures: max(s.failures, state?.consecutiveFailures ?? 0),
            nextRun: s.nextRun,
            lastReconcile: state?.lastReconcile,
            nextReconcile: state?.lastReconcile.map { $0.addingTimeInterval(s.dataset.reconcileEvery.timeInterval) },
            dataAsOf: asOf,
            lagSeconds: asOf.map { max(0, Int(now.timeIntervalSince($0))) },
            overdue: s.overdue,
            progress: s.activity == .refreshing
                ? s.progress.map {
                    StatusDocument.Progress(phase: $0.phase.rawValue, rows: $0.rows, percent: percent(s))
                }
                : nil
        )
    }
}
