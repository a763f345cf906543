import ETLFramework
import Foundation

/// Building JSON answers from ``RawValue`` trees: exact decimals stay number literals as stored.
package enum JSON {
    package static func string(_ text: String?) -> RawValue {
        text.map { .string($0) } ?? .null
    }

    package static func integer<T: BinaryInteger>(_ value: T?) -> RawValue {
        value.map { .number(String($0)) } ?? .null
    }

    /// A measured value (a share, seconds) as a JSON number.
    package static func double(_ value: Double?) -> RawValue {
        guard let value, value.isFinite else { return .null }
        return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }

    /// An exact decimal text (from the store) as a JSON number.
    package static func decimal(_ text: String?) -> RawValue {
        text.map { .number($0) } ?? .null
    }

    /// A stored time exactly as stored: milliseconds, or microseconds when it has them.
    package static func time(_ time: Timestamp?) -> RawValue {
        time.map { .string($0.iso8601) } ?? .null
    }

    package static func time(_ date: Date?) -> RawValue {
        date.map { .string(timestamp($0)) } ?? .null
    }

    /// `2025-12-10T12:00:00.123Z`: ISO 8601, UTC, milliseconds.
    package static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    package static func object(_ fields: [(String, RawValue)]) -> RawValue {
        .object(fields.map { RawField($0.0, $0.1) })
    }

    /// One check's result, as the API and the notifications give it.
    package static func check(_ check: CheckResult) -> RawValue {
        object([
            ("name", .string(check.name)), ("status", .string(check.status.rawValue)), ("on_fail", .string(check.onFail.rawValue)),
            ("observed", double(check.observed)), ("limit", double(check.limit)), ("unit", .string(check.unit)),
            ("compared_run", integer(check.comparedRun)), ("detail", .string(check.detail)),
        ])
    }
}
