import ETLFramework
import Foundation

extension Expression {
    /// The value of the expression for the record `payload` (an object; fields are looked up by name
    /// or dotted path). Throws when a value does not fit an operation: text where a number is needed,
    /// a division by zero.
    package func evaluate(in payload: RawValue) throws(EvaluationError) -> ExpressionValue {
        switch self {
        case .literal(let value):
            return value
        case .field(let name):
            return try ExpressionValue(payload.value(at: name), field: name)
        case .unary(.not, let operand):
            return try Self.not(operand.evaluate(in: payload), operand)
        case .unary(.negate, let operand):
            guard let number = try Self.number(operand.evaluate(in: payload), operand, for: "-") else { return .null }
            return .number(-number)
        case .binary(.and, let left, let right):
            // Three-valued: false wins over null, null over true.
            let lhs = try Self.truth(left.evaluate(in: payload), left, for: "and")
            if lhs == false { return .bool(false) }
            let rhs = try Self.truth(right.evaluate(in: payload), right, for: "and")
            if rhs == false { return .bool(false) }
            return lhs == nil || rhs == nil ? .null : .bool(true)
        case .binary(.or, let left, let right):
            let lhs = try Self.truth(left.evaluate(in: payload), left, for: "or")
            if lhs == true { return .bool(true) }
            let rhs = try Self.truth(right.evaluate(in: payload), right, for: "or")
            if rhs == true { return .bool(true) }
            return lhs == nil || rhs == nil ? .null : .bool(false)
        case .binary(let op, let left, let right):
            let lhs = try left.evaluate(in: payload), rhs = try right.evaluate(in: payload)
            switch op {
            case .add, .subtract, .multiply, .divide:
                return try Self.arithmetic(op, lhs, left, rhs, right)
            default:
                guard let order = try Self.compare(lhs, left, rhs, right, for: op.rawValue) else { return .null }
                switch op {
                case .equal: return .bool(order == .orderedSame)
                case .notEqual: return .bool(order != .orderedSame)
                case .less: return .bool(order == .orderedAscending)
                case .lessOrEqual: return .bool(order != .orderedDescending)
                case .greater: return .bool(order == .orderedDescending)
                default: return .bool(order != .orderedAscending)
                }
            }
        case .membership(let value, let list, let negated):
            let needle = try value.evaluate(in: payload)
            if case .null = needle { return .null }
            for item in list {
                if try Self.compare(needle, value, item.evaluate(in: payload), item, for: "in") == .orderedSame {
                    return .bool(!negated)
                }
            }
            return .bool(negated)
        case .isNull(let operand, let negated):
            let isNull = if case .null = try operand.evaluate(in: payload) { true } else { false }
            return .bool(isNull != negated)
        case .matches(let operand, let pattern):
            guard let text = try operand.evaluate(in: payload).text else { return .null }
            return .bool(pattern.matches(text))
        case .call(let function, let arguments):
            return try Self.call(function, arguments, in: payload)
        }
    }

    static func call(_ function: ExpressionFunction, _ arguments: [Expression], in payload: RawValue) throws(EvaluationError) -> ExpressionValue {
        switch function {
        case .upper, .lower, .trim:
            guard let text = try arguments[0].evaluate(in: payload).text else { return .null }
            let result =
                switch function {
                case .upper: text.uppercased()
                case .lower: text.lowercased()
                default: text.trimmingCharacters(in: .whitespacesAndNewlines)
                }
            return result.isEmpty ? .null : .text(result)
        case .concat:
            var result = ""
            for argument in arguments { result += try argument.evaluate(in: payload).text ?? "" }
            return result.isEmpty ? .null : .text(result)
        case .coalesce:
            for argument in arguments {
                let value = try argument.evaluate(in: payload)
                if value != .null { return value }
            }
            return .null
        }
    }

    /// A truth value: `nil` for null.
    static func truth(_ value: ExpressionValue, _ expression: Expression, for op: String) throws(EvaluationError) -> Bool? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        default:
            throw EvaluationError(field: expression.soleField, "\(op) needs true or false, got \(describe(value, expression))")
        }
    }

    static func not(_ value: ExpressionValue, _ expression: Expression) throws(EvaluationError) -> ExpressionValue {
        guard let truth = try truth(value, expression, for: "not") else { return .null }
        return .bool(!truth)
    }

    /// The value as a number: numbers as they are, text when it is a plain decimal; `nil` for null.
    static func number(_ value: ExpressionValue, _ expression: Expression, for op: String) throws(EvaluationError) -> Decimal? {
        switch value {
        case .null: return nil
        case .number(let number): return number
        case .text(let text):
            if case .success(let parsed) = DecimalText.parse(text) { return parsed.value.value }
            throw EvaluationError(field: expression.soleField, "\(describe(value, expression)) is text where a number is needed (\(op))")
        case .bool:
            throw EvaluationError(field: expression.soleField, "\(describe(value, expression)) is a boolean where a number is needed (\(op))")
        }
    }

    static func arithmetic(
        _ op: BinaryOperator, _ lhs: ExpressionValue, _ left: Expression, _ rhs: ExpressionValue, _ right: Expression
    ) throws(EvaluationError) -> ExpressionValue {
        guard let a = try number(lhs, left, for: op.rawValue), let b = try number(rhs, right, for: op.rawValue) else { return .null }
        let result: Decimal
        switch op {
        case .add: result = a + b
        case .subtract: result = a - b
        case .multiply: result = a * b
        default:
            guard !b.isZero else {
                throw EvaluationError(field: right.soleField ?? left.soleField, "division by zero (\(describe(rhs, right)))")
            }
            result = a / b
        }
        guard !result.isNaN else {
            throw EvaluationError(field: left.soleField ?? right.soleField, "\(a) \(op.rawValue) \(b) is out of range")
        }
        return .number(result)
    }

    /// Orders two values: numbers by value (text that is a decimal counts as one when the other side
    /// is a number), text by Unicode order, booleans only for equality. `nil` when either is null.
    static func compare(
        _ lhs: ExpressionValue, _ left: Expression, _ rhs: ExpressionValue, _ right: Expression, for op: String
    ) throws(EvaluationError) -> ComparisonResult? {
        switch (lhs, rhs) {
        case (.null, _), (_, .null): return nil
        case (.text(let a), .text(let b)): return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        case (.bool(let a), .bool(let b)):
            guard op == "==" || op == "!=" || op == "in" else {
                throw EvaluationError(field: left.soleField, "booleans are compared only with == and !=")
            }
            return a == b ? .orderedSame : .orderedAscending
        case (.number, _), (_, .number):
            guard let a = try number(lhs, left, for: op), let b = try number(rhs, right, for: op) else { return nil }
            return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        default:
            throw EvaluationError(field: left.soleField ?? right.soleField, "cannot compare \(describe(lhs, left)) with \(describe(rhs, right))")
        }
    }

    static func describe(_ value: ExpressionValue, _ expression: Expression) -> String {
        if case .field(let name) = expression { return "\(name) (\(value.shown))" }
        return value.shown
    }

    /// The field this expression is, when it is a bare field.
    var soleField: String? {
        if case .field(let name) = self { return name }
        return nil
    }
}
