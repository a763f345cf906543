import ETLFramework
import HostSupport
import Foundation
import Hummingbird
import Logging
import Tracing

/// Everything the REST API needs: the store's read side, run control, settings and the cache.
struct API: Sendable {
    let store: any QueryStore
    let controller: RunController
    let settings: ServerSettings
    let cache: ResponseCache
    /// Pages of unified records, deep ones started from marks.
    let recordPages: RecordPages
    let health: HealthProbe
    let logger: Logger
    /// How long a request waits for the database before answering 503.
    let databaseDeadline: Duration

    init(
        store: any QueryStore, controller: RunController, settings: ServerSettings, logger: Logger,
        databaseDeadline: Duration = .seconds(5), healthDeadline: Duration = .seconds(2)
    ) {
        self.databaseDeadline = databaseDeadline
        self.store = store
        self.controller = controller
        self.settings = settings
        self.cache = ResponseCache(capacityBytes: settings.cacheBytes)
        self.recordPages = RecordPages(store: store)
        self.health = HealthProbe(store: store, logger: logger, deadline: healthDeadline)
        self.logger = logger
    }

    var pipelineNames: [String] { controller.pipelines.map(\.name) }

    /// Every endpoint, resource by resource (each collection lives in its own file under Routes/).
    var endpoints: [Endpoint] {
        documentRoutes + recordRoutes + historyRoutes + healthRoutes + runControlRoutes + runRoutes + tapRoutes
            + dashboardRoutes + metricsRoutes
    }

    /// The router serving every endpoint, behind the request-id, access-log and error middleware.
    func router() -> Router<APIRequestContext> {
        let endpoints = self.endpoints
        // HEAD is answered wherever GET is (RFC 9110 9.3.2): the GET answer's status and headers, no body.
        let router = Router(context: APIRequestContext.self, options: .autoGenerateHeadEndpoints)
        // A server span per request when a tracer is set up (an incoming `traceparent` is its parent).
        if !(InstrumentationSystem.tracer is NoOpTracer) { router.middlewares.add(TracingMiddleware()) }
        router.middlewares.add(APIMiddleware(logger: logger, routes: RouteTable(endpoints), isUnreachable: { [store] in store.isUnreachable($0) }))
        if let cors = settings.cors { router.middlewares.add(CORSPolicy(settings: cors)) }
        router.middlewares.add(RepresentationMiddleware())
        for endpoint in endpoints {
            router.on(RouterPath(endpoint.routerPath), method: endpoint.method, use: endpoint.handler)
        }
        return router
    }

    /// Runs a database read with a deadline; a database that does not answer in time is a 503, not a
    /// request left hanging.
    func fromDatabase<T: Sendable>(_ read: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withDeadline(databaseDeadline, doing: "reading the database", read)
        } catch is DeadlineExceeded {
            logger.warning("database read timed out", metadata: ["deadline": "\(databaseDeadline)"])
            throw APIError.databaseUnavailable
        }
    }

    /// `{<cached members>, "meta": {...}}`: the cached part of an answer with this request's meta,
    /// with its entity tag; `304` when the client's `If-None-Match` holds that tag; gzip-compressed
    /// when the client accepts it, from the members compressed once.
    func answer(cached: CachedAnswer, _ context: APIRequestContext) throws -> Response {
        if let condition = context.ifNoneMatch, EntityTags.match(condition, cached.entityTag) {
            return Response(status: .notModified, headers: [.eTag: cached.entityTag, .vary: "Accept-Encoding"])
        }
        var tail = Array(",\"meta\":".utf8)
        JSON.meta(context).appendJSON(to: &tail)
        tail.append(UInt8(ascii: "}"))
        var response: Response
        if context.acceptsGzip, cached.members.count + tail.count >= Gzip.threshold {
            response = JSON.response(bytes: [])
            let body = try cached.gzipParts().body(appending: tail)
            response.body = .init(byteBuffer: body)
            response.headers[.contentEncoding] = "gzip"
            response.headers[.contentLength] = String(body.readableBytes)
        } else {
            response = JSON.response(bytes: [UInt8(ascii: "{")] + cached.members + tail)
        }
        response.headers[.eTag] = cached.entityTag
        response.headers[.vary] = "Accept-Encoding"
        return response
    }

    /// ``answer(cached:_:)`` for members made for this request alone.
    func answer(members: [UInt8], _ context: APIRequestContext) throws -> Response {
        try answer(cached: CachedAnswer(members), context)
    }

    /// A cached page answer: `extra` members, then `data` and `pagination`, then this request's meta.
    /// An empty page when `matchesNothing` (a filter no stored text can equal), without a query.
    /// With `cursor`, the pagination also holds `next`: the cursor of the page after this one (null on
    /// the last page); `offset` is null when the page was asked for by cursor.
    func pageAnswer<Item: Sendable>(
        key: String, limit: Int, offset: Int?, extra: [(String, RawValue)] = [], matchesNothing: Bool = false,
        cursor: (@Sendable (Item) -> String)? = nil, _ context: APIRequestContext,
        read: @escaping @Sendable () async throws -> Page<Item>, json: @escaping (Item) -> RawValue
    ) async throws -> Response {
        try await pageAnswer(
            key: key, limit: limit, offset: offset, extra: extra, matchesNothing: matchesNothing, cursor: cursor, context,
            read: read, write: { item, writer in writer.value(json(item)) })
    }

    /// ``pageAnswer(key:limit:offset:extra:matchesNothing:cursor:_:read:json:)`` with each item written
    /// straight to bytes by `write`.
    func pageAnswer<Item: Sendable>(
        key: String, limit: Int, offset: Int?, extra: [(String, RawValue)] = [], matchesNothing: Bool = false,
        cursor: (@Sendable (Item) -> String)? = nil, _ context: APIRequestContext,
        read: @escaping @Sendable () async throws -> Page<Item>, write: @escaping (Item, inout JSONBytes) -> Void
    ) async throws -> Response {
        func pagination(_ page: Page<Item>) -> RawValue {
            var next: RawValue?? = nil
            if let cursor { next = .some(page.hasMore == true ? page.items.last.map { .string(cursor($0)) } : nil) }
            return JSON.pagination(limit: limit, offset: offset, returned: page.items.count, total: page.total, next: next)
        }
        if matchesNothing {
            return try answer(
                members: Self.members(extra + [("data", .array([])), ("pagination", pagination(Page(items: [], total: 0)))]),
                context)
        }
        let cached = try await cache.value(for: key) { () -> CachedAnswer in
            let page = try await fromDatabase(read)
            // The members of {extra..., "data": [...], "pagination": {...}}, without the braces.
            var writer = JSONBytes(capacity: 128 + 320 * page.items.count)
            for (name, value) in extra {
                writer.string(name)
                writer.raw(":")
                writer.value(value)
                writer.raw(",")
            }
            writer.raw("\"data\":[")
            for (index, item) in page.items.enumerated() {
                if index > 0 { writer.raw(",") }
                write(item, &writer)
            }
            writer.raw("],\"pagination\":")
            writer.value(pagination(page))
            return CachedAnswer(writer.bytes)
        }
        return try answer(cached: cached, context)
    }

    /// The members of an object, without its braces, for ``answer(cached:_:)``.
    static func members(_ fields: [(String, RawValue)]) -> [UInt8] {
        var bytes = JSON.object(fields).jsonBytes
        bytes.removeLast()
        bytes.removeFirst()
        return bytes
    }
}
