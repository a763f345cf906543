import ETLFramework
import HostSupport
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
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    let logger: Logger
    /// The methods of every path, for 405 answers.
    let routes: RouteTable
    /// Whether an error means the database cannot be reached (answered 503, not 500).
    let isUnreachable: @Sendable (any Error) -> Bool
    /// The challenge of a 401: the trigger token, sent in its own header.
    static let challenge = #"X-Scheduler-Token realm="kasparro-etl""#
    /// What a 503 tells clients to wait before trying again, in seconds.
    static let retryAfterSeconds = 5

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
            response = Self.errorResponse(error, for: request)
        } catch let error as HTTPError {
            let allowed = error.status == .notFound ? routes.methods(for: request.uri.path) : []
            if !allowed.isEmpty {
                let names = allowed.map(\.rawValue).joined(separator: ", ")
                response = Self.errorResponse(
                    APIError(
                        status: .methodNotAllowed, code: "method_not_allowed",
                        message: "\(request.uri.path) answers \(names), not \(request.method)"), for: request)
                response.headers[.allow] = names
            } else {
                let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
                let message =
                    error.status == .notFound
                    ? "no endpoint \(request.method) \(request.uri.path) (see GET /)" : (error.body ?? error.status.reasonPhrase)
                response = Self.errorResponse(APIError(status: error.status, code: code, message: message), for: request)
            }
        } catch let error where isUnreachable(error) {
            logger.warning(
                "database unreachable",
                metadata: ["request_id": "\(context.requestID)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            response = Self.errorResponse(APIError.databaseUnavailable, for: request)
        } catch {
            logger.error(
                "request failed",
                metadata: [
                    "request_id": "\(context.requestID)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))",
                ])
            var failure = APIError(status: .internalServerError, code: "internal", message: "internal error")
            failure.details = [RawField("request_id", .string(context.requestID))]
            response = Self.errorResponse(failure, for: request)
        }
        response.headers[Self.requestIDHeader] = context.requestID
        if response.status == .serviceUnavailable, response.headers[.retryAfter] == nil {
            response.headers[.retryAfter] = String(Self.retryAfterSeconds)
        }
        // RFC 9110 15.5.2: a 401 names the scheme that would be accepted.
        if response.status == .unauthorized, response.headers[.wwwAuthenticate] == nil {
            response.headers[.wwwAuthenticate] = Self.challenge
        }
        Self.addSecurityHeaders(to: &response, path: request.uri.path)
        let elapsed = ContinuousClock.now - context.arrival
        let route = context.endpointPath ?? "unmatched"
        Counter(
            label: "http_requests_total",
            dimensions: [
                ("route", route), ("method", "\(request.method)"), ("status", "\(response.status.code)"),
            ]
        ).increment()
        Timer(label: "http_request_duration_seconds", dimensions: [("route", route)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "latency_ms": "\(String(format: "%.3f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000))",
                "request_id": "\(context.requestID)",
            ])
        return response
    }

    /// A browser asking for a page gets the error as a page; every other client gets JSON.
    static func errorResponse(_ error: APIError, for request: Request) -> Response {
        guard (request.headers[.accept] ?? "").contains("text/html"), request.method == .get else {
            return JSON.response(error.body, status: error.status)
        }
        var response = API.html(
            Templates.render(
                "error",
                [
                    "title": "\(error.status.code) · Kasparro ETL", "code": Int(error.status.code),
                    "reasonPhrase": error.status.reasonPhrase, "message": error.message,
                ]))
        response.status = error.status
        return response
    }

    /// Pages may not be framed, sniffed or load anything from elsewhere. What caches may keep, by
    /// route: the data, statistics and runs are kept but revalidated (their entity tags make that a
    /// `304`); health, metrics, run control and taps never (a probe must see now); the API document for
    /// five minutes.
    static func addSecurityHeaders(to response: inout Response, path: String) {
        response.headers[.xContentTypeOptions] = "nosniff"
        if (response.headers[.contentType] ?? "").hasPrefix("text/html") {
            response.headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
            response.headers[Self.frameOptions] = "DENY"
            response.headers[Self.referrerPolicy] = "no-referrer"
            response.headers[.cacheControl] = "no-store"
        } else if path == "/health" || path.hasPrefix("/health/") || path == "/metrics" || path == "/trigger-etl"
            || (path.hasPrefix("/pipelines/") && path.hasSuffix("/tap"))
        {
            response.headers[.cacheControl] = "no-store"
        } else if path == "/openapi.json" {
            response.headers[.cacheControl] = "public, max-age=300"
        } else {
            response.headers[.cacheControl] = "no-cache"
        }
    }

    static func newID() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}
