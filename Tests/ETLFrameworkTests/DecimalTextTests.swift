import ETLFramework
import Foundation
import Testing

@Suite struct DecimalTextTests {
    func value(_ text: String) -> String? {
        guard case .success(let parsed) = DecimalText.parse(text) else { return nil }
        return "\(parsed.value)"
    }

    func failure(_ text: String) -> DecimalError? {
        guard case .failure(let error) = DecimalText.parse(text) else { return nil }
        return error
    }

    @Test func tinyPricesSurviveExactly() {
        #expect(value("0.000000001234") == "0.000000001234")
        #expect(value("0.000027923933404345") == "0.000027923933404345")
        #expect(value("1e-12") == "0.000000000001")
    }

    @Test func eNotationIsExpandedExactly() {
        #expect(value("1.0904e-08") == "0.000000010904")
        #expect(value("3.447E-09") == "0.000000003447")
        #expect(value("2.448524105135891e+15") == "2448524105135891")
        #expect(value("45000.50000000") == "45000.5")
        #expect(value("-0.72") == "-0.72")
        #expect(value("+12") == "12")
        #expect(value(".5") == "0.5")
        #expect(value("7.") == "7")
        #expect(value("  42  ") == "42")
        #expect(value("0.000") == "0")
    }

    @Test func thirtyEightSignificantDigitsAreKept() {
        let digits = "12345678901234567890123456789012345678"
        #expect(value(digits) == digits)
        #expect(value("0." + digits) == "0." + digits)
    }

    @Test func thousandsOfDigitsAreRefused() {
        #expect(failure(String(repeating: "9", count: 5000)) == .tooLong(5000))
        #expect(failure(String(repeating: "1", count: 39)) == .tooManyDigits(39))
    }

    @Test func malformedNumbersAreRefused() {
        #expect(failure("") == .empty)
        #expect(failure("14.748.800.659.179.600") == .notANumber("14.748.800.659.179.600"))
        #expect(failure("1,234.5") == .notANumber("1,234.5"))
        #expect(failure("NaN") == .notANumber("NaN"))
        #expect(failure("Infinity") == .notANumber("Infinity"))
        #expect(failure("1e") == .notANumber("1e"))
        #expect(failure("e5") == .notANumber("e5"))
        #expect(failure("0x1F") == .notANumber("0x1F"))
        #expect(failure("1e400") == .outOfRange("1e400"))
    }
}

@Suite struct TimestampParserTests {
    let parser = TimestampParser()

    func epoch(_ text: String) -> Double? {
        parser.parse(text)?.timeIntervalSince1970
    }

    @Test func iso8601VariantsParse() {
        #expect(epoch("2025-12-10T12:00:00Z") == 1_765_368_000)
        #expect(epoch("2025-12-10T12:00:00") == 1_765_368_000)
        #expect(epoch("2025-12-10 12:00:00") == 1_765_368_000)
        #expect(epoch("2025-12-10T14:00:00+02:00") == 1_765_368_000)
        #expect(epoch("2025-12-10T12:00:00.250Z") == 1_765_368_000.25)
        #expect(epoch("2025-12-10T12:00Z") == 1_765_368_000)
        #expect(epoch("2025-12-10") == 1_765_324_800)
        #expect(epoch("2024-02-29T00:00:00Z") == 1_709_164_800)
        // Year 0 exists in no store's calendar: refused (the fuzz found PostgreSQL answering it with an error).
        #expect(TimestampParser.iso8601Timestamp("0000-01-01") == nil)
        #expect(TimestampParser.iso8601Timestamp("0001-01-01") != nil)
    }

    @Test func epochSecondsAndMillisecondsParse() {
        #expect(epoch("1765368000") == 1_765_368_000)
        #expect(epoch("1765368000250") == 1_765_368_000.25)
    }

    @Test func impossibleDatesAreRefused() {
        #expect(epoch("2025-02-30T00:00:00Z") == nil)
        #expect(epoch("2023-02-29") == nil)
        #expect(epoch("2025-13-01") == nil)
        #expect(epoch("2025-12-10T25:00:00Z") == nil)
        #expect(epoch("29-04-13 23:59") == nil)
        #expect(epoch("yesterday") == nil)
    }

    @Test func configuredFormatParsesInUTC() {
        let formatted = TimestampParser(format: "dd-MM-yy HH:mm")
        #expect(formatted.parse("29-04-13 23:59")?.timeIntervalSince1970 == 1_367_279_940)
    }
}
