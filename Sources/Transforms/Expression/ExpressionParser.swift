import Foundation

/// Parses the expression language by precedence climbing, loosest first:
/// `or`; `and`; `not`; comparisons (`== != < <= > >=`, `in`, `not in`, `is [not] null`, `matches`);
/// `+ -`; `* /`; unary `-`; literals, fields, calls and parentheses.
package struct ExpressionParser {
    var tokens: [ExpressionToken]
    var position = 0

    /// Parses `text`; a mistake is reported with the character offset where it is.
    package static func parse(_ text: String) throws(ExpressionSyntaxError) -> Expression {
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokens(text))
        let expression = try parser.or()
        guard case .end = parser.current.kind else {
            throw ExpressionSyntaxError(offset: parser.current.offset, "unexpected \(parser.describe(parser.current)) after a complete expression")
        }
        return expression
    }

    static let keywords: Set<String> = ["and", "or", "not", "in", "is", "null", "true", "false", "matches"]

    var current: ExpressionToken { tokens[position] }

    mutating func advance() { position += 1 }

    func isKeyword(_ word: String) -> Bool {
        if case .identifier(let name) = current.kind { return name == word }
        return false
    }

    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let found) = current.kind { return found == symbol }
        return false
    }

    mutating func expect(symbol: String, _ context: String) throws(ExpressionSyntaxError) {
        guard isSymbol(symbol) else {
            throw ExpressionSyntaxError(offset: current.offset, "expected \"\(symbol)\" \(context), found \(describe(current))")
        }
        advance()
    }

    mutating func or() throws(ExpressionSyntaxError) -> Expression {
        var left = try and()
        while isKeyword("or") {
            advance()
            left = .binary(.or, left, try and())
        }
        return left
    }

    mutating func and() throws(ExpressionSyntaxError) -> Expression {
        var left = try not()
        while isKeyword("and") {
            advance()
            left = .binary(.and, left, try not())
        }
        return left
    }

    mutating func not() throws(ExpressionSyntaxError) -> Expression {
        if isKeyword("not") {
            advance()
            return .unary(.not, try not())
        }
        return try comparison()
    }

    mutating func comparison() throws(ExpressionSyntaxError) -> Expression {
        let left = try additive()
        if case .symbol(let symbol) = current.kind, let op = BinaryOperator(rawValue: symbol),
            [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
        {
            advance()
            let right = try additive()
            try refuseChainedComparison()
            return .binary(op, left, right)
        }
        if isKeyword("is") {
            advance()
            var negated = false
            if isKeyword("not") {
                negated = true
                advance()
            }
            guard isKeyword("null") else {
                throw ExpressionSyntaxError(
                    offset: current.offset, "expected \"null\" after \"is\"\(negated ? " not" : ""), found \(describe(current))")
            }
            advance()
            return .isNull(left, negated: negated)
        }
        if isKeyword("in") || (isKeyword("not") && nextIsKeyword("in")) {
            let negated = isKeyword("not")
            advance()
            if negated { advance() }
            return .membership(left, try list(), negated: negated)
        }
        if isKeyword("matches") {
            advance()
            guard case .string(let pattern) = current.kind else {
                throw ExpressionSyntaxError(offset: current.offset, "matches takes a pattern in single quotes, found \(describe(current))")
            }
            let at = current.offset
            advance()
            do {
                return .matches(left, try RegexPattern(pattern))
            } catch {
                throw ExpressionSyntaxError(offset: at, "'\(pattern)' is not a valid regular expression")
            }
        }
        return left
    }

    func nextIsKeyword(_ word: String) -> Bool {
        guard position + 1 < tokens.count, case .identifier(let name) = tokens[position + 1].kind else { return false }
        return name == word
    }

    func refuseChainedComparison() throws(ExpressionSyntaxError) {
        if case .symbol(let symbol) = current.kind, ["==", "!=", "<", "<=", ">", ">="].contains(symbol) {
            throw ExpressionSyntaxError(offset: current.offset, "comparisons do not chain; join them with \"and\"")
        }
    }

    mutating func list() throws(ExpressionSyntaxError) -> [Expression] {
        try expect(symbol: "[", "to start the list after \"in\"")
        var items: [Expression] = []
        if isSymbol("]") {
            advance()
            return items
        }
        while true {
            items.append(try additive())
            if isSymbol(",") {
                advance()
                continue
            }
            try expect(symbol: "]", "to close the list")
            return items
        }
    }

    mutating func additive() throws(ExpressionSyntaxError) -> Expression {
        var left = try multiplicative()
        while isSymbol("+") || isSymbol("-") {
            let op: BinaryOperator = isSymbol("+") ? .add : .subtract
            advance()
            left = .binary(op, left, try multiplicative())
        }
        return left
    }

    mutating func multiplicative() throws(ExpressionSyntaxError) -> Expression {
        var left = try unary()
        while isSymbol("*") || isSymbol("/") {
            let op: BinaryOperator = isSymbol("*") ? .multiply : .divide
            advance()
            left = .binary(op, left, try unary())
        }
        return left
    }

    mutating func unary() throws(ExpressionSyntaxError) -> Expression {
        if isSymbol("-") {
            advance()
            return .unary(.negate, try unary())
        }
        return try primary()
    }

    mutating func primary() throws(ExpressionSyntaxError) -> Expression {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return .literal(.number(value))
        case .string(let text):
            advance()
            return .literal(text.isEmpty ? .null : .text(text))
        case .quotedField(let name):
            advance()
            return .field(name)
        case .identifier(let name):
            advance()
            switch name {
            case "null": return .literal(.null)
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case _ where Self.keywords.contains(name):
                throw ExpressionSyntaxError(
                    offset: token.offset, "expected a value, found the keyword \"\(name)\" (a field of that name is written `\(name)`)")
            default: break
            }
            guard isSymbol("(") else { return .field(name) }
            guard let function = ExpressionFunction(rawValue: name) else {
                let known = ExpressionFunction.allCases.map(\.rawValue).joined(separator: ", ")
                throw ExpressionSyntaxError(offset: token.offset, "unknown function \"\(name)\" (known: \(known))")
            }
            advance()
            var arguments: [Expression] = []
            if !isSymbol(")") {
                while true {
                    arguments.append(try or())
                    if isSymbol(",") {
                        advance()
                        continue
                    }
                    break
                }
            }
            try expect(symbol: ")", "to close the arguments of \(name)")
            guard function.arity.contains(arguments.count) else {
                let wanted = function.arity.count == 1 ? "1 argument" : "at least 1 argument"
                throw ExpressionSyntaxError(offset: token.offset, "\(name) takes \(wanted), got \(arguments.count)")
            }
            return .call(function, arguments)
        case .symbol("("):
            advance()
            let inner = try or()
            try expect(symbol: ")", "to close the parenthesis")
            return inner
        case .symbol, .end:
            throw ExpressionSyntaxError(offset: token.offset, "expected a value, found \(describe(token))")
        }
    }

    func describe(_ token: ExpressionToken) -> String {
        switch token.kind {
        case .identifier(let name): "\"\(name)\""
        case .quotedField(let name): "`\(name)`"
        case .string(let text): "'\(text)'"
        case .number(let value): "\(value)"
        case .symbol(let symbol): "\"\(symbol)\""
        case .end: "the end of the expression"
        }
    }
}
