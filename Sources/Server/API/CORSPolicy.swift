import ETLFramework
import HTTPTypes
import HostSupport
import Hummingbird

/// CORS as `server.cors` allows it: a preflight (`OPTIONS` with `Access-Control-Request-Method`)
/// from an allowed origin is answered `204` with what may be sent; one from another origin `403`;
/// answers to allowed origins carry `Access-Control-Allow-Origin` and the headers a page may read.
/// Without `server.cors` the middleware is not installed and browsers on other origins are refused.
struct CORSPolicy: RouterMiddleware {
    typealias Context = APIRequestContext
    let settings: CORSSettings

    static let allowedMethods = "GET, HEAD, POST, OPTIONS"
    static let allowedHeaders = "Accept, Content-Type, If-None-Match, X-Request-Id, X-Scheduler-Token"
    static let exposedHeaders = "ETag, Retry-After, X-Request-Id"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = settings.allowsAny || settings.origins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else {
                var refused = JSON.response(
                    APIError(status: .forbidden, code: "cors_refused", message: "origin \(origin) may not call this API (server.cors)")
                        .body, status: .forbidden)
                refused.headers[.vary] = "Origin"
                return refused
            }
            var headers = HTTPFields()
            headers[.accessControlAllowOrigin] = settings.allowsAny ? "*" : origin
            headers[.accessControlAllowMethods] = Self.allowedMethods
            headers[.accessControlAllowHeaders] = Self.allowedHeaders
            headers[.accessControlMaxAge] = String(settings.maxAge.components.seconds)
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if allowed {
            response.headers[.accessControlAllowOrigin] = settings.allowsAny ? "*" : origin
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        if !settings.allowsAny { response.headers.append(HTTPField(name: .vary, value: "Origin")) }
        return response
    }
}
