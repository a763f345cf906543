import ETLFramework
import HostSupport
import Foundation
import Hummingbird

/// The JSON answers of the API: bodies, pagination and `meta`.
extension JSON {
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
