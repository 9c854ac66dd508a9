import Testing

@testable import Publishing

@Suite struct DurationParserReadsConfigurationDurations {
    @Test(arguments: [
        ("90s", Duration.seconds(90)),
        ("5m", .seconds(300)),
        ("48h", .seconds(48 * 3600)),
        ("1h30m", .seconds(5400)),
        ("2d", .seconds(2 * 86400)),
        ("250ms", .milliseconds(250)),
        ("1m30s500ms", .milliseconds(90_500)),
        ("2d12h", .seconds(60 * 3600)),
        ("0", .zero),
        ("0s", .zero),
    ])
    func readsEveryUnitAndCombination(text: String, expected: Duration) throws {
        #expect(try DurationParser.parse(text) == expected)
    }

    @Test(arguments: ["5 minutes", "", "5", "m", "1.5h", "5M", "-5m", "5m ", "1w", "h1"])
    func rejectsTextThatIsNotADuration(text: String) {
        #expect(throws: DurationError.self) { try DurationParser.parse(text) }
    }

    @Test func theErrorShowsTheTextAndHowToWriteIt() {
        do {
            _ = try DurationParser.parse("5 minutes")
            Issue.record("parsed")
        } catch {
            #expect(error.description == "\"5 minutes\" is not a duration (use 90s, 5m, 48h, 1h30m)")
        }
    }

    @Test func unitsOutOfOrderAreExplained() {
        do {
            _ = try DurationParser.parse("30m1h")
            Issue.record("parsed")
        } catch {
            #expect(error.description.contains("from the largest to the smallest"))
        }
    }

    @Test func aNumberWithoutUnitSaysSo() {
        do {
            _ = try DurationParser.parse("300")
            Issue.record("parsed")
        } catch {
            #expect(error.description.contains("needs a unit"))
        }
    }

    @Test func hugeValuesAreErrorsNotOverflows() {
        #expect(throws: DurationError.self) { try DurationParser.parse("99999999999999999999d") }
        #expect(throws: DurationError.self) { try DurationParser.parse("9999999999999999d") }
    }

    @Test(arguments: ["1h30m", "250ms", "2d", "5m", "1d2h3m4s5ms", "0s"])
    func formatIsTheInverseOfParse(text: String) throws {
        #expect(DurationParser.format(try DurationParser.parse(text)) == text)
    }
}
