import ETLFramework
import Foundation
import Hummingbird

/// Validated query parameters: every problem is a 400 naming the parameter.
///
/// The query string is read as browsers and Python's `urlencode` write it: `+` is a space, then
/// percent-decoding. Parameters an endpoint does not know are ignored (cache busters, probes' own
/// parameters) and listed in ``ignored`` for the answer's `meta.ignored_parameters`.
struct QueryParameters {
    let values: [String: String]
    /// Names of the parameters ignored, sorted.
    let ignored: [String]
    /// A value holds a NUL character, which no stored text does: the answer is empty, without asking
    /// the database (which could not even take it as a parameter).
    let matchesNothing: Bool

    init(_ request: Request, allowed: [String]) throws(APIError) {
        var values: [String: String] = [:]
        var ignored = Set<String>()
        for (rawName, rawValue) in Self.pairs(request.uri.query ?? "") {
            guard let name = Self.decode(rawName) else { throw APIError.invalidParameter("query", "a name is not valid percent-encoding") }
            guard allowed.contains(name) else {
                ignored.insert(String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64)))
                continue
            }
            guard let value = Self.decode(rawValue) else { throw APIError.invalidParameter(name, "is not valid percent-encoding") }
            guard values[name] == nil else { throw APIError.invalidParameter(name, "given more than once") }
            values[name] = value
        }
        self.values = values
        self.ignored = ignored.sorted()
        self.matchesNothing = values.values.contains { $0.utf8.contains(0) }
    }

    /// `name=value` pairs of a raw query string (a bare `name` has an empty value).
    static func pairs(_ query: String) -> [(Substring, Substring)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return (pair, "") }
            return (pair[..<equals], pair[pair.index(after: equals)...])
        }
    }

    /// `+` as a space, then percent-decoding; `nil` when the encoding is broken.
    static func decode(_ text: Substring) -> String? {
        // Most values hold neither: no Foundation call for them.
        let (plus, percent) = (text.utf8.contains(UInt8(ascii: "+")), text.utf8.contains(UInt8(ascii: "%")))
        guard plus || percent else { return String(text) }
        let spaced = plus ? String(text).replacingOccurrences(of: "+", with: " ") : String(text)
        return percent ? spaced.removingPercentEncoding : spaced
    }

    /// Texts longer than this are refused (no ticker, pipeline or date is near it).
    static let maxTextLength = 200

    /// A non-empty text, trimmed, or nil when absent.
    func text(_ name: String) throws(APIError) -> String? {
        guard let value = values[name] else { return nil }
        guard !value.trimmedASCIIWhitespace.isEmpty else { throw APIError.invalidParameter(name, "must not be empty") }
        guard value.unicodeScalars.count <= Self.maxTextLength else {
            throw APIError.invalidParameter(name, "must be at most \(Self.maxTextLength) characters")
        }
        return String(value.trimmedASCIIWhitespace)
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text.trimmedASCIIWhitespace), range.contains(value) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            throw APIError.invalidParameter(name, "must be an integer \(bounds), got \"\(text.prefix(40))\"")
        }
        return value
    }

    /// A yes/no flag: absent, `false` or `0` is no; present with no value, `true` or `1` is yes.
    func flag(_ name: String) throws(APIError) -> Bool {
        guard let value = values[name] else { return false }
        switch value.lowercased() {
        case "", "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalidParameter(name, "must be true or false, got \"\(value.prefix(40))\"")
        }
    }

    /// An ISO 8601 date or time, with or without zone (UTC when absent), and whether it was a date alone.
    func time(_ name: String) throws(APIError) -> (timestamp: Timestamp, dateOnly: Bool)? {
        guard let text = try text(name) else { return nil }
        guard let parsed = TimestampParser.iso8601Timestamp(text) else {
            throw APIError.invalidParameter(
                name, "must be an ISO 8601 date or date-time (e.g. 2025-12-10 or 2025-12-10T12:00:00Z), got \"\(text.prefix(40))\"")
        }
        return parsed
    }

    /// `start_date` and `end_date` as inclusive bounds. A date alone means the whole day (UTC):
    /// `start_date` from its midnight, `end_date` to its last microsecond; a date-time is an exact
    /// bound. A start after the end is a range nothing falls in (an empty answer, not an error).
    func dateRange() throws(APIError) -> (Timestamp?, Timestamp?) {
        let start = try time("start_date")?.timestamp
        let end = try time("end_date").map { parsed in
            parsed.dateOnly ? Timestamp(microseconds: parsed.timestamp.microseconds + Timestamp.microsecondsPerDay - 1) : parsed.timestamp
        }
        return (start, end)
    }

    /// Offsets stop well short of where `offset + limit` could overflow.
    static let maxOffset = 1_000_000_000

    func limit() throws(APIError) -> Int { try integer("limit", default: 50, range: 1...200) }
    func offset() throws(APIError) -> Int { try integer("offset", default: 0, range: 0...Self.maxOffset) }

    /// The id behind a `cursor` (a `next` of an earlier page), or nil when absent.
    func cursor() throws(APIError) -> String? {
        guard let text = values["cursor"] else { return nil }
        guard let id = RecordCursor.decode(text) else {
            throw APIError.invalidParameter("cursor", "is not a cursor of this API (pass back a pagination.next unchanged)")
        }
        return id
    }
}

extension APIRequestContext {
    /// A path parameter, percent-decoded (`/data/%3CI%3E` is the ticker `<I>`); at most 200
    /// characters, and a 404 when it holds a NUL character (no stored text does).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        let value = raw.removingPercentEncoding ?? raw
        guard value.unicodeScalars.count <= QueryParameters.maxTextLength else {
            throw APIError.invalidParameter(name, "must be at most \(QueryParameters.maxTextLength) characters")
        }
        guard !value.utf8.contains(0) else { throw APIError.notFound("nothing is named with a NUL character") }
        return value
    }
}
