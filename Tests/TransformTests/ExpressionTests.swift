import ETLFramework
import Foundation
import StandardTransforms
import Testing

/// The expression language of `set` and `filter`: precedence, exact arithmetic, null handling,
/// errors with their positions.
@Suite struct ExpressionTests {
    /// A record of CSV-like text cells, with a JSON number and a nested object.
    static let record = RawValue.object([
        RawField("symbol", .string("BTC")), RawField("name", .string("  Bitcoin ")), RawField("price", .string("45000.5")),
        RawField("cents", .string("4500050")), RawField("empty", .string("")), RawField("zero", .string("0")),
        RawField("word", .string("abc")), RawField("24h_volume_usd", .number("1.5e3")), RawField("flag", .bool(true)),
        RawField("quotes", .object([RawField("USD", .object([RawField("price", .number("0.1"))]))])),
    ])

    func value(_ text: String) throws -> ExpressionValue {
        try ExpressionParser.parse(text).evaluate(in: Self.record)
    }

    func number(_ text: String) throws -> String? {
        guard case .number(let number) = try value(text) else { return nil }
        return number.description
    }

    @Test func arithmeticIsExactDecimal() throws {
        #expect(try value("0.1 + 0.2 == 0.3") == .bool(true))
        #expect(try number("0.1 + 0.2") == "0.3")
        #expect(try number("cents / 100") == "45000.5")
        #expect(try number("quotes.USD.price * 3") == "0.3")
        #expect(try number("`24h_volume_usd` - 0.000000000000000001") == "1499.999999999999999999")
        #expect(try number("-price + 1") == "-44999.5")
    }

    @Test func precedenceBindsLikeArithmeticAndLogic() throws {
        #expect(try number("1 + 2 * 3") == "7")
        #expect(try number("(1 + 2) * 3") == "9")
        #expect(try number("10 - 4 - 3") == "3")
        #expect(try number("8 / 4 / 2") == "1")
        #expect(try value("price > 1 and symbol == 'BTC' or false") == .bool(true))
        #expect(try value("false and true or true") == .bool(true))
        #expect(try value("not price > 1 or symbol == 'BTC'") == .bool(true))
        #expect(try value("not (price > 1 or symbol == 'BTC')") == .bool(false))
        #expect(try value("1 + 1 == 2 and 2 * 2 >= 4") == .bool(true))
    }

    @Test func comparisonsMembershipNullAndPatterns() throws {
        #expect(try value("symbol in ['ETH', 'BTC']") == .bool(true))
        #expect(try value("symbol not in ['TEST', 'XXX']") == .bool(true))
        #expect(try value("price in [45000.50, 1]") == .bool(true))
        #expect(try value("empty is null") == .bool(true))
        #expect(try value("missing is null and symbol is not null") == .bool(true))
        #expect(try value("symbol matches '^B.C$'") == .bool(true))
        #expect(try value("name matches '^B'") == .bool(false))
        #expect(try value("flag == true") == .bool(true))
        #expect(try value("'abc' < 'abd'") == .bool(true))
        // A comparison with null is null, and a filter treats null as false.
        #expect(try value("empty > 1") == .null)
        #expect(try value("empty > 1 or true") == .bool(true))
        #expect(try value("empty > 1 and false") == .bool(false))
    }

    @Test func functions() throws {
        #expect(try value("trim(name)") == .text("Bitcoin"))
        #expect(try value("upper(trim(name))") == .text("BITCOIN"))
        #expect(try value("lower(symbol)") == .text("btc"))
        #expect(try value("concat(symbol, '-', lower(symbol), empty)") == .text("BTC-btc"))
        #expect(try value("coalesce(empty, missing, cents / 100)") == .number(Decimal(string: "45000.5")!))
        #expect(try value("coalesce(empty)") == .null)
    }

    @Test func aValueThatDoesNotFitFailsWithTheFieldAndReason() throws {
        let text = #expect(throws: EvaluationError.self) { try value("word * 2") }
        #expect(text?.field == "word")
        #expect(text?.message == "word ('abc') is text where a number is needed (*)")
        let zero = #expect(throws: EvaluationError.self) { try value("price / zero") }
        #expect(zero?.field == "zero")
        #expect(zero?.message.contains("division by zero") == true)
        let notBoolean = #expect(throws: EvaluationError.self) { try value("price and true") }
        #expect(notBoolean?.message.contains("and needs true or false") == true)
        let object = #expect(throws: EvaluationError.self) { try value("quotes > 1") }
        #expect(object?.message == "quotes is an object, not a value")
    }

    @Test(arguments: [
        ("price >", 7, "expected a value, found the end of the expression"),
        ("price = 1", 6, "\"=\" is not an operator; compare with \"==\""),
        ("sqrt(price)", 0, "unknown function \"sqrt\" (known: upper, lower, trim, concat, coalesce)"),
        ("symbol == \"BTC\"", 10, "text is written in single quotes"),
        ("symbol in 'BTC'", 10, "expected \"[\" to start the list after \"in\""),
        ("1 < price < 2", 10, "comparisons do not chain"),
        ("name matches '('", 13, "'(' is not a valid regular expression"),
        ("upper(a, b)", 0, "upper takes 1 argument, got 2"),
        ("symbol == 'BTC", 10, "this text has no closing '"),
        ("(price > 1", 10, "expected \")\" to close the parenthesis"),
        ("price > 1 2", 10, "unexpected 2 after a complete expression"),
        ("1.2.3 > 0", 0, "\"1.2.3\" is not a number"),
    ])
    func syntaxErrorsCarryTheirOffset(text: String, offset: Int, message: String) {
        #expect(throws: ExpressionSyntaxError.self) { try ExpressionParser.parse(text) }
        do {
            _ = try ExpressionParser.parse(text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
            #expect(error.message.hasPrefix(message), "\(text): \(error.message)")
        }
    }

    @Test func fieldNamesAreListedForChecking() throws {
        let expression = try ExpressionParser.parse("coalesce(`24h volume`, quotes.USD.price) > 1 and symbol in [alias, 'X']")
        #expect(expression.fieldNames == ["24h volume", "quotes.USD.price", "symbol", "alias"])
    }
}
