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

    /// One dataset's entry in status.json. Keys are documented in docs/operations.md.
    static func entry(_ s: DatasetSchedule.Snapshot, now: Date) -> [String: Any] {
        func time(_ date: Date?) -> Any { date.map { ISO8601Timestamp.string(from: $0) } ?? NSNull() }
        func value(_ v: (some Any)?) -> Any { v.map { $0 as Any } ?? NSNull() }
        let state = s.published
        var entry: [String: Any] = [
            "state": s.activity.rawValue,
            "version": value(state.flatMap { $0.version > 0 ? $0.version : nil }),
            "rows": value(state?.rows),
            "last_success": time(state?.lastSuccess ?? s.lastSuccess),
            "last_duration_seconds": value(state?.lastDuration),
            "last_error": value(s.lastError ?? state?.lastError),
            "last_error_at": time(s.lastError != nil ? s.lastErrorAt : state?.lastErrorAt),
            "consecutive_failures": max(s.failures, state?.consecutiveFailures ?? 0),
            "next_run": time(s.nextRun),
            "last_reconcile": time(state?.lastReconcile),
            "next_reconcile": time(
                state?.lastReconcile.map { $0.addingTimeInterval(s.dataset.reconcileEvery.inSeconds) }
            ),
            "overdue": s.overdue,
        ]
        if let watermark = state?.watermark {
            // The source's clock when the published data was read: what the data is as of.
            let asOf = Date(timeIntervalSince1970: Double(watermark) / 1e6)
            entry["data_as_of"] = ISO8601Timestamp.string(from: asOf)
            entry["lag_seconds"] = max(0, Int(now.timeIntervalSince(asOf)))
        } else {
            entry["data_as_of"] = NSNull()
            entry["lag_seconds"] = NSNull()
        }
        if s.activity == .refreshing, let p = s.progress {
            entry["progress"] =
                ["phase": p.phase.rawValue, "rows": p.rows, "percent": value(percent(s))] as [String: Any]
        } else {
            entry["progress"] = NSNull()
        }
        return entry
    }
}

extension Duration {
    /// The duration in seconds, as a TimeInterval.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
