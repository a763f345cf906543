/// What a key's value must satisfy beyond its type, said once for the docs and checked on load.
public struct ConfigConstraint<Value: Sendable>: Sendable {
    /// The rule as the docs show it (`1...250`, `demo or pro`, `at least 1s`).
    public var description: String
    /// Why `value` breaks the rule (`must be between 1 and 250`); `nil` when it holds.
    public var violation: @Sendable (Value) -> String?

    /// Whether ``violation`` is the whole message (it names the key and the value itself).
    public var isWholeMessage: Bool

    /// A rule whose violation is said as "KEY VIOLATION, got VALUE".
    public init(_ description: String, violation: @escaping @Sendable (Value) -> String?) {
        self.description = description
        self.violation = violation
        self.isWholeMessage = false
    }

    /// A rule whose violation is the whole message, naming the key and the value itself.
    public static func check(_ description: String, message: @escaping @Sendable (Value) -> String?) -> Self {
        var constraint = Self(description, violation: message)
        constraint.isWholeMessage = true
        return constraint
    }
}

extension ConfigConstraint where Value: Comparable & ConfigValue {
    /// A value within `range`.
    public static func range(_ range: ClosedRange<Value>) -> Self {
        let text = "\(range.lowerBound.configText)...\(range.upperBound.configText)"
        return Self(text) { range.contains($0) ? nil : "must be between \(range.lowerBound.configText) and \(range.upperBound.configText)" }
    }

    /// A value of at least `minimum`.
    public static func atLeast(_ minimum: Value) -> Self {
        Self("at least \(minimum.configText)") { $0 >= minimum ? nil : "must be at least \(minimum.configText)" }
    }
}

extension ConfigConstraint where Value: Equatable & ConfigValue {
    /// One of `allowed`.
    public static func oneOf(_ allowed: [Value]) -> Self {
        let text = allowed.map(\.configText).joined(separator: " or ")
        return Self(text) { allowed.contains($0) ? nil : "must be \(text)" }
    }
}

extension ConfigConstraint where Value: Collection & Sendable {
    /// A value with at least one element (a string with at least one character).
    public static var notEmpty: Self {
        Self("not empty") { $0.isEmpty ? "must not be empty" : nil }
    }
}
