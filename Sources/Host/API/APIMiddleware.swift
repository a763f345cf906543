import ETLFramework
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// Gives every request an id (the client's `X-Request-Id`, or a new one) echoed in the response,
/// turns every error into a JSON error answer (500s say nothing internal), and writes one JSON access
/// log line per request.
struct APIMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    let logger: Logger

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.arrival = .now
        let given = request.headers[Self.requestIDHeader].flatMap { $0.count <= 128 && !$0.isEmpty ? $0 : nil }
        context.requestID = given ?? Self.newID()
        var response: Response
        do {
            response = try await LogContext.$requestID.withValue(context.requestID) { try await next(request, context) }
        } catch let error as APIError {
            response = JSON.response(error.body, status: error.status)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            let message = error.status == .notFound
                ? "no endpoint \(request.method) \(request.uri.path) (see GET /)" : (error.body ?? error.status.reasonPhrase)
            response = JSON.response(APIError(status: error.status, code: code, message: message).body, status: error.status)
        } catch {
            logger.error("request failed", metadata: [
                "request_id": "\(context.requestID)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))",
            ])
            var failure = APIError(status: .internalServerError, code: "internal", message: "internal error")
            failure.details = [RawField("request_id", .string(context.requestID))]
            response = JSON.response(failure.body, status: .internalServerError)
        }
        response.headers[Self.requestIDHeader] = context.requestID
        let elapsed = ContinuousClock.now - context.arrival
        let route = context.endpointPath ?? "unmatched"
        Counter(label: "http_requests_total", dimensions: [
            ("route", route), ("method", "\(request.method)"), ("status", "\(response.status.code)"),
        ]).increment()
        Timer(label: "http_request_duration_seconds", dimensions: [("route", route)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        logger.info("request", metadata: [
            "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
            "latency_ms": "\(String(format: "%.3f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000))",
            "request_id": "\(context.requestID)",
        ])
        return response
    }

    static func newID() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}
