import Foundation

/// A parsed expression of the transform language (`price_usd > 1 and symbol not in ['TEST']`).
///
/// Made by ``ExpressionParser``; evaluated against one record by ``evaluate(in:)``. Values are exact:
/// numbers are `Decimal`, never a binary float.
package indirect enum Expression: Sendable {
    case literal(ExpressionValue)
    /// A field of the record, by name or dotted path.
    case field(String)
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// `x in [...]`, or `x not in [...]` when `negated`.
    case membership(Expression, [Expression], negated: Bool)
    /// `x is null`, or `x is not null` when `negated`.
    case isNull(Expression, negated: Bool)
    /// `x matches 'regex'`; the pattern is compiled once, when parsed.
    case matches(Expression, RegexPattern)
    case call(ExpressionFunction, [Expression])

    /// The field names the expression reads.
    package var fieldNames: [String] {
        switch self {
        case .literal: []
        case .field(let name): [name]
        case .unary(_, let operand), .isNull(let operand, _), .matches(let operand, _): operand.fieldNames
        case .binary(_, let left, let right): left.fieldNames + right.fieldNames
        case .membership(let value, let list, _): value.fieldNames + list.flatMap(\.fieldNames)
        case .call(_, let arguments): arguments.flatMap(\.fieldNames)
        }
    }
}

/// `not` and unary `-`.
package enum UnaryOperator: String, Sendable {
    case not
    case negate = "-"
}

/// The binary operators, loosest first: `or`, `and`, comparisons, `+ -`, `* /`.
package enum BinaryOperator: String, Sendable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}

/// The functions the language offers, with how many arguments each takes.
package enum ExpressionFunction: String, Sendable, CaseIterable {
    case upper, lower, trim, concat, coalesce

    /// The accepted argument counts.
    var arity: ClosedRange<Int> {
        switch self {
        case .upper, .lower, .trim: 1...1
        case .concat, .coalesce: 1...64
        }
    }
}

/// A regular expression as written and compiled.
package struct RegexPattern: Sendable {
    package let source: String
    let regex: NSRegularExpression

    init(_ source: String) throws {
        self.source = source
        regex = try NSRegularExpression(pattern: source)
    }

    /// Whether the pattern matches anywhere in `text` (anchor it with `^...$` to match the whole).
    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
