import Foundation

/// A token of the expression language, with the character offset where it starts.
struct ExpressionToken: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        /// A backquoted field name (never a keyword).
        case quotedField(String)
        case string(String)
        case number(Decimal)
        case symbol(String)
        case end
    }

    var kind: Kind
    var offset: Int
}

/// Splits an expression into tokens: names, `backquoted names`, 'strings' (a quote doubled inside),
/// exact decimal numbers and operators.
struct ExpressionLexer {
    static let symbols = ["==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ","]

    static func tokens(_ text: String) throws(ExpressionSyntaxError) -> [ExpressionToken] {
        let characters = Array(text)
        var tokens: [ExpressionToken] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
                continue
            }
            let start = index
            if character.isLetter || character == "_" {
                while index < characters.count,
                    characters[index].isLetter || characters[index].isNumber
                        || characters[index] == "_" || characters[index] == "."
                {
                    index += 1
                }
                tokens.append(ExpressionToken(kind: .identifier(String(characters[start..<index])), offset: start))
            } else if character.isASCII, character.isNumber || (character == "." && index + 1 < characters.count && characters[index + 1].isNumber) {
                while index < characters.count, characters[index].isASCII, characters[index].isNumber || characters[index] == "." {
                    index += 1
                }
                let literal = String(characters[start..<index])
                guard literal.filter({ $0 == "." }).count <= 1,
                    let value = Decimal(string: literal, locale: Locale(identifier: "en_US_POSIX"))
                else { throw ExpressionSyntaxError(offset: start, "\"\(literal)\" is not a number") }
                tokens.append(ExpressionToken(kind: .number(value), offset: start))
            } else if character == "'" || character == "`" {
                let (content, end) = try quoted(characters, from: index, quote: character)
                index = end
                tokens.append(ExpressionToken(kind: character == "'" ? .string(content) : .quotedField(content), offset: start))
            } else if let symbol = symbols.first(where: { matches($0, characters, at: index) }) {
                index += symbol.count
                tokens.append(ExpressionToken(kind: .symbol(symbol), offset: start))
            } else if character == "=" {
                throw ExpressionSyntaxError(offset: start, "\"=\" is not an operator; compare with \"==\"")
            } else if character == "\"" {
                throw ExpressionSyntaxError(
                    offset: start, "text is written in single quotes ('BTC'); a field name that is not a plain name in backquotes (`24h_volume`)")
            } else {
                throw ExpressionSyntaxError(offset: start, "unexpected character \"\(character)\"")
            }
        }
        tokens.append(ExpressionToken(kind: .end, offset: characters.count))
        return tokens
    }

    static func matches(_ symbol: String, _ characters: [Character], at index: Int) -> Bool {
        let wanted = Array(symbol)
        guard index + wanted.count <= characters.count else { return false }
        return Array(characters[index..<index + wanted.count]) == wanted
    }

    /// The content of a quoted run starting at `start`, and the index after its closing quote.
    static func quoted(_ characters: [Character], from start: Int, quote: Character) throws(ExpressionSyntaxError) -> (String, Int) {
        var content = ""
        var index = start + 1
        while index < characters.count {
            if characters[index] == quote {
                if index + 1 < characters.count, characters[index + 1] == quote {
                    content.append(quote)
                    index += 2
                    continue
                }
                if quote == "`", content.isEmpty { throw ExpressionSyntaxError(offset: start, "an empty field name") }
                return (content, index + 1)
            }
            content.append(characters[index])
            index += 1
        }
        let what = quote == "'" ? "text" : "field name"
        throw ExpressionSyntaxError(offset: start, "this \(what) has no closing \(quote)")
    }
}

/// A mistake in an expression, at a character offset (0-based) within it.
package struct ExpressionSyntaxError: Error, Sendable, CustomStringConvertible {
    package var offset: Int
    package var message: String

    init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    package var description: String { "column \(offset + 1): \(message)" }
}
