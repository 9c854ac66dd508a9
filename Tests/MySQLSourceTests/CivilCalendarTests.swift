import Testing

@testable import MySQLSource

@Suite struct CivilCalendarCountsDaysFromTheEpoch {
    // Expected values from Python's proleptic Gregorian `date` arithmetic.
    @Test(arguments: [
        (1, 1, 1, -719_162), (1000, 1, 1, -354_285), (1900, 2, 28, -25_509), (1900, 3, 1, -25_508),
        (1969, 12, 31, -1), (1970, 1, 1, 0), (2000, 2, 29, 11_016), (2024, 2, 29, 19_782),
        (9999, 12, 31, 2_932_896),
    ])
    func knownDatesHaveKnownDayNumbers(_ year: Int, _ month: Int, _ day: Int, _ days: Int) {
        #expect(CivilCalendar.daysFromCivil(year: year, month: month, day: day) == days)
        let civil = CivilCalendar.civilFromDays(days)
        #expect(civil.year == year && civil.month == month && civil.day == day)
    }

    @Test func everyDayFromYear1ToYear9999FollowsTheDayBefore() {
        let first = CivilCalendar.daysFromCivil(year: 1, month: 1, day: 1)
        let last = CivilCalendar.daysFromCivil(year: 9999, month: 12, day: 31)
        var previous = CivilCalendar.civilFromDays(first)
        for days in (first + 1)...last {
            let civil = CivilCalendar.civilFromDays(days)
            let sameMonth =
                civil.year == previous.year && civil.month == previous.month && civil.day == previous.day + 1
            let nextMonth =
                civil.day == 1 && previous.day == CivilCalendar.daysInMonth(year: previous.year, month: previous.month)
                && (civil.month == previous.month + 1 && civil.year == previous.year
                    || civil.month == 1 && previous.month == 12 && civil.year == previous.year + 1)
            if !(sameMonth || nextMonth) {
                Issue.record("day \(days) is \(civil) after \(previous)")
                return
            }
            if CivilCalendar.daysFromCivil(year: civil.year, month: civil.month, day: civil.day) != days {
                Issue.record("day \(days) does not round-trip through \(civil)")
                return
            }
            previous = civil
        }
    }

    @Test func leapYearsFollowTheGregorianRule() {
        #expect(CivilCalendar.isValidDate(year: 2024, month: 2, day: 29))
        #expect(CivilCalendar.isValidDate(year: 2000, month: 2, day: 29))
        #expect(!CivilCalendar.isValidDate(year: 1900, month: 2, day: 29))
        #expect(!CivilCalendar.isValidDate(year: 2023, month: 2, day: 29))
        #expect(!CivilCalendar.isValidDate(year: 2024, month: 4, day: 31))
        #expect(!CivilCalendar.isValidDate(year: 0, month: 0, day: 0))
    }

    @Test func dateTimesConvertToMicrosecondsAndBack() {
        let last = CivilCalendar.microseconds(
            year: 9999,
            month: 12,
            day: 31,
            hour: 23,
            minute: 59,
            second: 59,
            microsecond: 999_999
        )
        #expect(last == 253_402_300_799_999_999)
        #expect(CivilCalendar.formatDateTime(microseconds: last) == "9999-12-31 23:59:59.999999")
        #expect(CivilCalendar.formatDateTime(microseconds: -1) == "1969-12-31 23:59:59.999999")
        #expect(
            CivilCalendar.microseconds(year: 1000, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0)
                == -30_610_224_000_000_000
        )
    }

    @Test func serverTimestampsParse() {
        #expect(CivilCalendar.parseDateTime("1970-01-01 00:00:01.5") == 1_500_000)
        #expect(CivilCalendar.parseDateTime("2024-02-29 12:00:00.000001") == 1_709_208_000_000_001)
        #expect(CivilCalendar.parseDateTime("2024-02-29 12:00:00") == 1_709_208_000_000_000)
        #expect(CivilCalendar.parseDateTime("2023-02-29 12:00:00") == nil)
        #expect(CivilCalendar.parseDateTime("2024-02-29") == nil)
        #expect(CivilCalendar.parseDateTime("2024-02-29 12:00:00.1234567") == nil)
    }

    @Test func timesFormatAsSignedDurations() {
        #expect(CivilCalendar.formatTime(microseconds: -(838 * 3600 + 59 * 60 + 59) * 1_000_000) == "-838:59:59.000000")
        #expect(CivilCalendar.formatTime(microseconds: 1_500_000) == "00:00:01.500000")
    }
}
