import ETLFramework
import HostSupport
import Hummingbird

/// An error answered as `{"error": {"code", "message", ...}}` with its HTTP status. It is a
/// Hummingbird `HTTPResponseError`, so that it answers the same wherever it is thrown; the API's
/// middleware also gives browsers the same error as a page.
struct APIError: HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// Further members of the `error` object (such as the running run's id).
    var details: [RawField] = []

    static func invalidParameter(_ name: String, _ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_parameter", message: "\(name): \(message)")
    }

    /// The database is down, unreachable or too slow: retry later (with `Retry-After`).
    static let databaseUnavailable = APIError(
        status: .serviceUnavailable, code: "database_unavailable", message: "the database does not answer; retry later")

    static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: message)
    }

    var body: RawValue {
        .object([RawField("error", .object([RawField("code", .string(code)), RawField("message", .string(message))] + details))])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSON.response(body, status: status)
    }
}
