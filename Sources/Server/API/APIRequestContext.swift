import Hummingbird

/// The request context of the REST API: Hummingbird's core storage plus the request id.
struct APIRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-Id`, or one made for this request.
    var requestID = ""
    /// When the request arrived, for `meta.api_latency_ms`.
    var arrival = ContinuousClock.now
    /// Query parameters the endpoint does not know, named in `meta.ignored_parameters`.
    var ignoredParameters: [String] = []
    /// Whether the client accepts a gzip answer (`Accept-Encoding`).
    var acceptsGzip = false
    /// The client's `If-None-Match`, for answers with an entity tag.
    var ifNoneMatch: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
