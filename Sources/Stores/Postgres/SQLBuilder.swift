import ETLFramework
import PostgresNIO

/// Builds a query from fixed SQL text and bound values, for queries whose filters vary.
/// Every value goes through a bind: nothing from a request is ever spliced into SQL text.
struct SQLBuilder {
    private var interpolation = PostgresQuery.StringInterpolation(literalCapacity: 256, interpolationCount: 8)

    init(_ sql: StaticString) {
        interpolation.appendLiteral("\(sql)")
    }

    /// Appends fixed SQL text.
    mutating func sql(_ text: StaticString) {
        interpolation.appendLiteral("\(text)")
    }

    /// Appends fixed SQL text known only at run time; callers pass constants of this module only.
    mutating func trustedSQL(_ text: String) {
        interpolation.appendLiteral(text)
    }

    /// Appends a bind for `value`.
    mutating func bind<Value: PostgresNonThrowingEncodable & Sendable>(_ value: Value) {
        interpolation.appendInterpolation(value)
    }

    /// Appends a bind for `value`, NULL when there is none.
    mutating func bind<Value: PostgresNonThrowingEncodable & Sendable>(_ value: Value?) {
        interpolation.appendInterpolation(value)
    }

    /// Appends `sql` and a bind for `value` when there is a value (an optional filter).
    mutating func condition<Value: PostgresNonThrowingEncodable & Sendable>(_ sql: StaticString, _ value: Value?) {
        guard let value else { return }
        self.sql(sql)
        bind(value)
    }

    /// Appends `sql` and a bind of `time` as exact ISO 8601 text cast to `timestamptz`, when there is one.
    mutating func condition(_ sql: StaticString, _ time: Timestamp?) {
        guard let time else { return }
        self.sql(sql)
        bind(time.iso8601)
        self.sql("::timestamptz")
    }

    var query: PostgresQuery { PostgresQuery(stringInterpolation: interpolation) }
}
