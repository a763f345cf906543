import ETLFramework
import Foundation
import Hummingbird

/// Validated query parameters: every problem is a 400 naming the parameter.
struct QueryParameters {
    let values: [String: String]

    init(_ request: Request, allowed: [String]) throws(APIError) {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                let hint = Suggestion.nearest(to: name, in: allowed).map { " (did you mean \($0)?)" } ?? ""
                throw APIError.invalidParameter(name, "unknown parameter\(hint); known: \(allowed.joined(separator: ", "))")
            }
            guard values[name] == nil else { throw APIError.invalidParameter(name, "given more than once") }
            values[name] = String(value)
        }
        self.values = values
    }

    /// A non-empty text, or nil when absent.
    func text(_ name: String) throws(APIError) -> String? {
        guard let value = values[name] else { return nil }
        guard !value.trimmedASCIIWhitespace.isEmpty else { throw APIError.invalidParameter(name, "must not be empty") }
        return String(value.trimmedASCIIWhitespace)
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            throw APIError.invalidParameter(name, "must be an integer \(bounds), got \"\(text.prefix(40))\"")
        }
        return value
    }

    /// An ISO 8601 date or time, with or without zone (UTC when absent), and whether it was a date alone.
    func time(_ name: String) throws(APIError) -> (timestamp: Timestamp, dateOnly: Bool)? {
        guard let text = try text(name) else { return nil }
        guard let parsed = TimestampParser.iso8601Timestamp(text) else {
            throw APIError.invalidParameter(name, "must be an ISO 8601 date or date-time (e.g. 2025-12-10 or 2025-12-10T12:00:00Z), got \"\(text.prefix(40))\"")
        }
        return parsed
    }

    /// `start_date` and `end_date` as inclusive bounds, checked to be in order. A date alone means
    /// the whole day (UTC): `start_date` from its midnight, `end_date` to its last microsecond;
    /// a date-time is an exact bound.
    func dateRange() throws(APIError) -> (Timestamp?, Timestamp?) {
        let start = try time("start_date")?.timestamp
        let end = try time("end_date").map { parsed in
            parsed.dateOnly ? Timestamp(microseconds: parsed.timestamp.microseconds + Timestamp.microsecondsPerDay - 1) : parsed.timestamp
        }
        if let start, let end, start > end {
            throw APIError.invalidParameter("start_date", "must not be after end_date")
        }
        return (start, end)
    }

    func limit() throws(APIError) -> Int { try integer("limit", default: 50, range: 1...200) }
    func offset() throws(APIError) -> Int { try integer("offset", default: 0, range: 0...Int.max) }

    /// A stable key of these parameters, for the response cache.
    var cacheKey: String {
        values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: "&")
    }
}
