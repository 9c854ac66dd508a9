import Delivery
import Foundation
import Publishing

extension StatusWriter {
    /// status.json's `targets`: each target's entry by name (docs/delivery.md has the keys),
    /// its errors in their short public form.
    static func targets(_ targets: [TargetSnapshot], configuration: Configuration, now: Date) -> [String: TargetStatus]
    {
        var entries: [String: TargetStatus] = [:]
        for target in targets {
            entries[target.name] = target.status(configuration: configuration, now: now, publicErrors: true)
        }
        return entries
    }

    /// The target families in the exposition format, labels escaped as for the datasets'.
    static func metrics(_ families: [TargetSnapshot.MetricFamily]) -> String {
        var lines: [String] = []
        for family in families {
            lines.append("# HELP parquet_publisher_\(family.name) \(family.help)")
            lines.append("# TYPE parquet_publisher_\(family.name) \(family.type)")
            for sample in family.samples {
                let labels = sample.labels.map { "\($0.0)=\"\(label($0.1))\"" }.joined(separator: ",")
                lines.append("parquet_publisher_\(family.name){\(labels)} \(number(sample.value))")
            }
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}

extension StatusSummary {
    /// The datasets' line, then each target that fails:
    /// "orders v124 5.0M rows 2m ago; target cdn failing 2x, 3m behind".
    static func line(_ snapshots: [DatasetSchedule.Snapshot], now: Date, targets: [TargetSnapshot]) -> String {
        let parts = targets.compactMap { $0.summary(now: now) }
        return ([line(snapshots, now: now)] + parts).joined(separator: "; ")
    }
}

/// A value set after the closure that reads it was made (the scheduler hands the coordinator a
/// callback before `self` is whole).
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
