import Foundation
import Logging
import Testing

@testable import Systemd

@Suite struct StderrLines {
    /// 2026-11-25T01:02:03.456Z
    let instant = Date(timeIntervalSince1970: 1_795_568_523.456)

    @Test func readAsTimeLevelDatasetMessageThenFields() {
        let line = StderrLogHandler.line(
            date: instant,
            level: .info,
            message: "published v12",
            metadata: ["dataset": "orders", "duration_ms": "812", "rows": "5000000"]
        )
        #expect(line == "2026-11-25T01:02:03.456Z info orders: published v12 rows=5000000 duration_ms=812")
    }

    @Test func commonFieldsLeadAndTheRestFollowByName() {
        let line = StderrLogHandler.line(
            date: instant,
            level: .warning,
            message: "m",
            metadata: ["zeta": "1", "phase": "done", "alpha": "2", "error": "boom", "version": "3"]
        )
        #expect(line == "2026-11-25T01:02:03.456Z warning m version=3 phase=done error=boom alpha=2 zeta=1")
    }

    @Test func valuesWithSpacesQuotesOrNewlinesAreQuoted() {
        let line = StderrLogHandler.line(
            date: instant,
            level: .error,
            message: "m",
            metadata: ["a": "two words", "b": "say \"hi\"", "c": "", "d": "x=y", "e": "line\nbreak"]
        )
        #expect(line.hasSuffix(#" a="two words" b="say \"hi\"" c="" d="x=y" e="line\nbreak""#), "\(line)")
    }

    @Test func anErrorTheMessageAlreadyCarriesIsNotRepeated() {
        let line = StderrLogHandler.line(
            date: instant,
            level: .error,
            message: "refresh failed: connection refused",
            metadata: ["dataset": "orders", "error": "connection refused", "phase": "failed"]
        )
        #expect(line == "2026-11-25T01:02:03.456Z error orders: refresh failed: connection refused phase=failed")
        let fields = JournaldLogHandler.fields(
            level: .error,
            message: "refresh failed: connection refused",
            metadata: ["error": "connection refused"],
            file: "f",
            function: "g",
            line: 1
        )
        #expect(fields.contains("ERROR=connection refused"))
    }

    @Test func withoutADatasetTheMessageFollowsTheLevel() {
        #expect(
            StderrLogHandler.line(date: instant, level: .notice, message: "started", metadata: [:])
                == "2026-11-25T01:02:03.456Z notice started"
        )
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (0.999, "1970-01-01T00:00:00.999Z"),
        (-0.001, "1969-12-31T23:59:59.999Z"),
        (951_782_400.5, "2000-02-29T00:00:00.500Z"),
    ])
    func timestampsAreUTCToTheMillisecond(seconds: Double, expected: String) {
        #expect(StderrLogHandler.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }
}

@Suite struct Redaction {
    @Test(arguments: ["password", "mysql_password", "PASSWORD_FILE", "readerPassword"])
    func anyKeyMentioningAPasswordIsRedactedEverywhere(key: String) {
        let metadata: Logger.Metadata = [key: "hunter2", "dataset": "orders"]
        let line = StderrLogHandler.line(date: Date(), level: .error, message: "x", metadata: metadata)
        #expect(!line.contains("hunter2"))
        #expect(line.contains("\(key)=<redacted>"))
        let fields = JournaldLogHandler.fields(
            level: .error,
            message: "x",
            metadata: metadata,
            file: "f",
            function: "g",
            line: 1
        )
        #expect(!fields.joined(separator: "\n").contains("hunter2"))
        #expect(fields.contains("DATASET=orders"))
    }

    @Test func otherKeysKeepTheirValues() {
        #expect(SystemdLogging.redacted("user", "reader") == "reader")
        #expect(SystemdLogging.redacted("dataset", .stringConvertible(42)) == "42")
    }
}

@Suite struct JournalFields {
    @Test func carryMessagePrioritySourceAndTheMetadataUpperCased() {
        let fields = JournaldLogHandler.fields(
            level: .warning,
            message: "published v3",
            metadata: [
                "dataset": "orders", "version": "3", "rows": "10", "duration_ms": "81", "phase": "done",
                "error": "none",
            ],
            file: "Publishing/DatasetRefresher.swift",
            function: "refresh()",
            line: 42
        )
        #expect(
            fields == [
                "MESSAGE=published v3", "PRIORITY=4", "SYSLOG_IDENTIFIER=parquet-publisher",
                "CODE_FILE=Publishing/DatasetRefresher.swift", "CODE_LINE=42", "CODE_FUNC=refresh()",
                "DATASET=orders", "DURATION_MS=81", "ERROR=none", "PHASE=done", "ROWS=10", "VERSION=3",
            ]
        )
    }

    @Test(arguments: [
        ("dataset", "DATASET"), ("duration_ms", "DURATION_MS"), ("9lives", "LIVES"), ("_private", "PRIVATE"),
        ("__9_x", "X"), ("café au lait", "CAF__AU_LAIT"), ("a.b-c", "A_B_C"),
    ])
    func metadataKeysBecomeValidFieldNames(key: String, name: String) {
        #expect(JournaldLogHandler.fieldName(key) == name)
    }

    @Test func keysWithNothingLeftAreDroppedAndLongOnesCut() {
        #expect(JournaldLogHandler.fieldName("_") == nil)
        #expect(JournaldLogHandler.fieldName("123") == nil)
        #expect(JournaldLogHandler.fieldName(String(repeating: "k", count: 100)) == String(repeating: "K", count: 64))
    }

    @Test func metadataNeverOverridesTheHandlersOwnFields() {
        let fields = JournaldLogHandler.fields(
            level: .info,
            message: "real",
            metadata: ["message": "fake", "priority": "0"],
            file: "f",
            function: "g",
            line: 1
        )
        #expect(fields.filter { $0.hasPrefix("MESSAGE=") } == ["MESSAGE=real"])
        #expect(fields.filter { $0.hasPrefix("PRIORITY=") } == ["PRIORITY=6"])
        #expect(fields.contains("META_MESSAGE=fake") && fields.contains("META_PRIORITY=0"))
    }

    @Test func twoKeysOnTheSameFieldNameKeepTheFirst() {
        let fields = JournaldLogHandler.fields(
            level: .info,
            message: "m",
            metadata: ["row-s": "1", "row_s": "2"],
            file: "f",
            function: "g",
            line: 1
        )
        #expect(fields.filter { $0.hasPrefix("ROW_S=") } == ["ROW_S=1"])
    }

    @Test(arguments: [
        (Logger.Level.critical, 2), (.error, 3), (.warning, 4), (.notice, 5), (.info, 6), (.debug, 7), (.trace, 7),
    ])
    func logLevelsMapToSyslogPriorities(level: Logger.Level, priority: Int) {
        #expect(JournaldLogHandler.priority(level) == priority)
    }
}
