import Foundation

/// An exact decimal number and its canonical plain text (`0.000000001234`, never `1.234e-9`).
///
/// Made only by ``DecimalText/parse(_:)``, which guarantees the two agree; the text is what the
/// stores write, so no binary float and no re-formatting ever sits between source and database.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Plain decimal notation: optional `-`, digits, optional fraction without trailing zeros.
    public let description: String

    init(canonical description: String) {
        self.description = description
    }

    /// The value as a `Decimal` (exact: the text has at most 38 significant digits).
    public var value: Decimal { Decimal(string: description, locale: Locale(identifier: "en_US_POSIX"))! }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    /// Canonical texts are equal exactly when the values are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
