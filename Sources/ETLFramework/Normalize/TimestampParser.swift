import Foundation

/// Parses source timestamps: ISO 8601 (with or without zone and fraction, `T` or space),
/// plain dates, epoch seconds or milliseconds, or a configured `DateFormatter` pattern (UTC).
public struct TimestampParser: Sendable {
    let format: String?

    public init(format: String? = nil) {
        self.format = format
    }

    public func parse(_ text: String) -> Date? {
        let trimmed = String(text.trimmedASCIIWhitespace)
        if let format {
            return Self.formatted(trimmed, format: format)
        }
        if let date = Self.iso8601(trimmed) { return date }
        if trimmed.allSatisfy(\.isNumber), let number = Int64(trimmed) {
            switch trimmed.count {
            case 9...10: return Date(timeIntervalSince1970: TimeInterval(number))
            case 12...13: return Date(timeIntervalSince1970: TimeInterval(number) / 1000)
            default: return nil
            }
        }
        return nil
    }

    /// Why `format` cannot be a timestamp format, or `nil` when it reads back what it writes: a
    /// sample time written with it must parse to the same day (and the same hour and minute when
    /// the pattern has them). Catches `YYYY` (week year) and `DD` (day of the year) mistakes.
    public static func problem(withFormat format: String) -> String? {
        // Pattern letters outside quoted literals ('T').
        let letters = Set(
            format.split(separator: "'", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 0 }.flatMap { $0.element.filter(\.isLetter) })
        if letters.contains("Y"), !letters.contains("w") {
            return "timestamp_format \"\(format)\" uses Y, the week-based year (wrong around New Year); use yyyy for the year"
        }
        if letters.contains("D"), letters.contains("M") {
            return "timestamp_format \"\(format)\" uses D, the day of the year; use dd for the day of the month"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var parts: Set<Calendar.Component> = [.year, .month, .day]
        if !letters.isDisjoint(with: ["H", "h", "k", "K"]) { parts.insert(.hour) }
        if letters.contains("m") { parts.insert(.minute) }
        // 2021-07-06T12:34:56Z and 2021-12-31T23:59:58Z.
        for sample in [Date(timeIntervalSince1970: 1_625_574_896), Date(timeIntervalSince1970: 1_640_995_198)] {
            let written = formatter.string(from: sample)
            guard let read = formatter.date(from: written) else {
                return "timestamp_format \"\(format)\" cannot read the text it writes (\"\(written)\")"
            }
            guard calendar.dateComponents(parts, from: read) == calendar.dateComponents(parts, from: sample) else {
                return "timestamp_format \"\(format)\" does not read back the date it writes (\(describe(sample)) is written "
                    + "\"\(written)\" and read as \(describe(read))); use yyyy for the year, MM the month, dd the day, HH the hour"
            }
        }
        return nil
    }

    static func describe(_ date: Date) -> String {
        Timestamp(date).iso8601
    }

    static func formatted(_ text: String, format: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.date(from: text)
    }

    /// `YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|(+|-)hh[:]mm]`; no zone means UTC.
    public static func iso8601(_ text: String) -> Date? {
        iso8601Timestamp(text).map { $0.timestamp.date }
    }

    /// Like ``iso8601(_:)``, exact to the microsecond, and telling whether the text was a date alone
    /// (`2025-12-10`), so that a caller can read it as the whole day.
    public static func iso8601Timestamp(_ text: String) -> (timestamp: Timestamp, dateOnly: Bool)? {
        var text = text
        return text.withUTF8 { iso8601(bytes: $0) }
    }

    static func iso8601(bytes: UnsafeBufferPointer<UInt8>) -> (timestamp: Timestamp, dateOnly: Bool)? {
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + width)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        // Year 0 does not exist in the stores' calendars (PostgreSQL refuses it).
        guard let year = number(4), year >= 1, expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = 0
        var micros = 0
        var offsetSeconds = 0
        let dateOnly = index == bytes.count
        if index < bytes.count {
            guard expect("T") || expect(" ") || expect("t"), let hour = number(2), expect(":"), let minute = number(2),
                hour < 24, minute < 60
            else { return nil }
            seconds = hour * 3600 + minute * 60
            if expect(":") {
                guard let second = number(2), second <= 60 else { return nil }
                seconds += second
                if expect(".") || expect(",") {
                    // Microseconds exactly; digits past the sixth are dropped.
                    var scale = 100_000
                    var sawDigit = false
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        micros += Int(bytes[index] - 48) * scale
                        scale /= 10
                        index += 1
                        sawDigit = true
                    }
                    guard sawDigit else { return nil }
                }
            }
            if expect("Z") || expect("z") {
                offsetSeconds = 0
            } else if index < bytes.count {
                let sign: Int
                if expect("+") { sign = 1 } else if expect("-") { sign = -1 } else { return nil }
                guard let hours = number(2) else { return nil }
                _ = expect(":")
                let minutes = number(2) ?? 0
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            }
            guard index == bytes.count else { return nil }
        }
        guard day <= daysInMonth(year: year, month: month) else { return nil }
        let epochSeconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + seconds - offsetSeconds
        return (Timestamp(microseconds: Int64(epochSeconds) * 1_000_000 + Int64(micros)), dateOnly)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
