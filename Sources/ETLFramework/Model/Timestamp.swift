import Foundation

/// An instant as whole microseconds since 1970-01-01 UTC: PostgreSQL's own resolution, exact.
///
/// Foundation's `Date` holds a binary `Double` of seconds since 2001, which turns about half of all
/// millisecond values into the millisecond before when formatted. Times read from a store are kept
/// as this type from the database to the JSON writer, so what is served is exactly what is stored.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// The nearest microsecond of `date`.
    public init(_ date: Date) {
        microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The nearest microsecond of a count of seconds since 1970 (as SQLite's REAL columns hold them).
    /// A `Double` near today's values is exact to well under half a microsecond, so rounding recovers it.
    public init(secondsSince1970 seconds: Double) {
        microseconds = Int64((seconds * 1_000_000).rounded())
    }

    public var date: Date { Date(timeIntervalSince1970: secondsSince1970) }
    public var secondsSince1970: Double { Double(microseconds) / 1_000_000 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microseconds < rhs.microseconds }

    public static let microsecondsPerDay: Int64 = 86_400_000_000

    /// `2025-12-10T12:00:00.123Z`: ISO 8601 in UTC with milliseconds, or microseconds when the value
    /// has them.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``iso8601`` to `output` (digit by digit: answers hold many times).
    public func appendISO8601(to output: inout [UInt8]) {
        let (days, micros) = microseconds.floorDivided(by: Self.microsecondsPerDay)
        let (year, month, day) = Self.civil(fromDays: days)
        let second = micros / 1_000_000, fraction = micros % 1_000_000
        if (0...9999).contains(year) {
            Self.appendDigits(year, 4, to: &output)
        } else {
            output.append(contentsOf: String(year).utf8)
        }
        output.append(UInt8(ascii: "-"))
        Self.appendDigits(month, 2, to: &output)
        output.append(UInt8(ascii: "-"))
        Self.appendDigits(day, 2, to: &output)
        output.append(UInt8(ascii: "T"))
        Self.appendDigits(second / 3600, 2, to: &output)
        output.append(UInt8(ascii: ":"))
        Self.appendDigits(second / 60 % 60, 2, to: &output)
        output.append(UInt8(ascii: ":"))
        Self.appendDigits(second % 60, 2, to: &output)
        output.append(UInt8(ascii: "."))
        if fraction % 1000 == 0 {
            Self.appendDigits(fraction / 1000, 3, to: &output)
        } else {
            Self.appendDigits(fraction, 6, to: &output)
        }
        output.append(UInt8(ascii: "Z"))
    }

    /// Appends the `width` lowest decimal digits of a non-negative `value`, zero-padded.
    static func appendDigits(_ value: Int64, _ width: Int, to output: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    public var description: String { iso8601 }

    /// Year, month and day of a count of days since 1970-01-01 (H. Hinnant's algorithm).
    public static func civil(fromDays count: Int64) -> (Int64, Int64, Int64) {
        let days = count + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

}

extension Int64 {
    /// Quotient rounded towards negative infinity, and the (non-negative) remainder.
    public func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = self >= 0 ? self / divisor : (self - divisor + 1) / divisor
        return (quotient, self - quotient * divisor)
    }
}
