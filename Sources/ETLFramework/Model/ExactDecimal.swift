import Foundation

/// An exact decimal number and its canonical plain text (`0.000000001234`, never `1.234e-9`).
///
/// Made only by ``DecimalText/parse(_:)``, which guarantees the two agree; the text is what the
/// stores write, so no binary float and no re-formatting ever sits between source and database.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: Decimal
    /// Plain decimal notation: optional `-`, digits, optional fraction without trailing zeros.
    public let description: String

    init(value: Decimal, description: String) {
        self.value = value
        self.description = description
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.value == rhs.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
