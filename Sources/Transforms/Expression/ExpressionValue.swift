import ETLFramework
import Foundation

/// A value while an expression is evaluated. A missing field, a JSON `null` and empty text are all
/// ``null``; text that is a plain decimal is used as a number where a number is needed.
package enum ExpressionValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Decimal)
    case text(String)

    /// The value of a record's field.
    init(_ raw: RawValue?, field: String) throws(EvaluationError) {
        switch raw {
        case nil, .null?: self = .null
        case .bool(let flag)?: self = .bool(flag)
        case .string(let text)?: self = text.isEmpty ? .null : .text(text)
        case .number(let literal)?:
            guard case .success(let parsed) = DecimalText.parse(literal) else {
                throw EvaluationError(field: field, "\(field) is the number \(literal), which is not exact to 38 digits")
            }
            self = .number(parsed.value.value)
        case .object?: throw EvaluationError(field: field, "\(field) is an object, not a value")
        case .array?: throw EvaluationError(field: field, "\(field) is a list, not a value")
        }
    }

    /// The value as a record field: numbers keep their exact plain text.
    var rawValue: RawValue {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number): .number(Self.plainText(number))
        case .text(let text): .string(text)
        }
    }

    /// Text for messages and text functions (numbers in plain notation).
    var text: String? {
        switch self {
        case .null: nil
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): Self.plainText(number)
        case .text(let text): text
        }
    }

    /// How the value is shown in an error message.
    var shown: String {
        switch self {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): Self.plainText(number)
        case .text(let text): "'\(text.prefix(40))'"
        }
    }

    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .text: "text"
        }
    }

    static func plainText(_ number: Decimal) -> String {
        number.description
    }
}

/// Why an expression could not be evaluated for one record: the record is quarantined with it.
package struct EvaluationError: Error, Sendable, CustomStringConvertible {
    /// The field at fault, when one is.
    package var field: String?
    package var message: String

    init(field: String? = nil, _ message: String) {
        self.field = field
        self.message = message
    }

    package var description: String { message }
}
