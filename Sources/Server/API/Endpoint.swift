import Hummingbird

/// One endpoint of the API: its method, its path as the API document writes it (`/data/{ticker}`),
/// what it does and its handler. The router, the route table behind 405 answers and the index are
/// all built from one list of these (``API/endpoints``), so that they cannot disagree.
struct Endpoint: Sendable {
    var method: HTTPRequest.Method
    /// The path with `{name}` parameters, as in the API document.
    var path: String
    var summary: String
    /// Whether `GET /` lists it (the index itself is not listed).
    var listed: Bool = true
    var handler: @Sendable (Request, APIRequestContext) async throws -> Response

    /// The path in the router's syntax (`/data/:ticker`).
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
        }.joined(separator: "/")
    }
}
