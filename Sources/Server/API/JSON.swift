import ETLFramework
import Foundation
import Hummingbird

/// Building JSON answers from ``RawValue`` trees: exact decimals stay number literals as stored.
enum JSON {
    static func string(_ text: String?) -> RawValue {
        text.map { .string($0) } ?? .null
    }

    static func integer<T: BinaryInteger>(_ value: T?) -> RawValue {
        value.map { .number(String($0)) } ?? .null
    }

    /// A measured value (a share, seconds) as a JSON number.
    static func double(_ value: Double?) -> RawValue {
        guard let value, value.isFinite else { return .null }
        return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }

    /// An exact decimal text (from the store) as a JSON number.
    static func decimal(_ text: String?) -> RawValue {
        text.map { .number($0) } ?? .null
    }

    /// A stored time exactly as stored: milliseconds, or microseconds when it has them.
    static func time(_ time: Timestamp?) -> RawValue {
        time.map { .string($0.iso8601) } ?? .null
    }

    static func time(_ date: Date?) -> RawValue {
        date.map { .string(timestamp($0)) } ?? .null
    }

    /// `2025-12-10T12:00:00.123Z`: ISO 8601, UTC, milliseconds.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func object(_ fields: [(String, RawValue)]) -> RawValue {
        .object(fields.map { RawField($0.0, $0.1) })
    }

    /// A response with `body` and the JSON content type.
    static func response(_ body: RawValue, status: HTTPResponse.Status = .ok) -> Response {
        response(bytes: body.jsonBytes, status: status)
    }

    static func response(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `"pagination": {...}` members; `offset` null for a page asked for by cursor, and `next` (a
    /// cursor, or null on the last page) where the endpoint pages by cursor.
    static func pagination(limit: Int, offset: Int?, returned: Int, total: Int, next: RawValue?? = nil) -> RawValue {
        var fields: [(String, RawValue)] = [
            ("limit", integer(limit)), ("offset", integer(offset)), ("returned", integer(returned)), ("total", integer(total)),
        ]
        if let next { fields.append(("next", next ?? .null)) }
        return object(fields)
    }

    /// `"meta": {"request_id", "api_latency_ms"}` for this request.
    static func meta(_ context: APIRequestContext) -> RawValue {
        let elapsed = ContinuousClock.now - context.arrival
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var fields: [(String, RawValue)] = [
            ("request_id", .string(context.requestID)),
            ("api_latency_ms", .number(String(format: "%.3f", milliseconds))),
        ]
        if !context.ignoredParameters.isEmpty {
            fields.append(("ignored_parameters", .array(context.ignoredParameters.map { .string($0) })))
        }
        return object(fields)
    }
}
