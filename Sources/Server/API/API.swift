import ETLFramework
import Foundation
import Hummingbird
import Logging

/// Everything the REST API needs: the store's read side, run control, settings and the cache.
struct API: Sendable {
    let store: any QueryStore
    let controller: RunController
    let settings: ServerSettings
    let cache: ResponseCache
    let health: HealthProbe
    let logger: Logger
    /// How long a request waits for the database before answering 503.
    let databaseDeadline: Duration

    init(
        store: any QueryStore, controller: RunController, settings: ServerSettings, logger: Logger,
        databaseDeadline: Duration = .seconds(5)
    ) {
        self.databaseDeadline = databaseDeadline
        self.store = store
        self.controller = controller
        self.settings = settings
        self.cache = ResponseCache(capacityBytes: settings.cacheBytes)
        self.health = HealthProbe(store: store, logger: logger)
        self.logger = logger
    }

    var pipelineNames: [String] { controller.pipelines.map(\.name) }

    /// Every endpoint, resource by resource (each collection lives in its own file under Routes/).
    var endpoints: [Endpoint] {
        documentRoutes + recordRoutes + historyRoutes + healthRoutes + runControlRoutes + runRoutes + dashboardRoutes
            + metricsRoutes
    }

    /// The router serving every endpoint, behind the request-id, access-log and error middleware.
    func router() -> Router<APIRequestContext> {
        let endpoints = self.endpoints
        let router = Router(context: APIRequestContext.self)
        router.middlewares.add(APIMiddleware(logger: logger, routes: RouteTable(endpoints)))
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
            throw APIError(status: .serviceUnavailable, code: "database_unavailable", message: "the database does not answer; retry later")
        }
    }

    /// `{<cached members>, "meta": {...}}`: the cached part of an answer with this request's meta.
    func answer(cached members: [UInt8], _ context: APIRequestContext) -> Response {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(members.count + 96)
        bytes += members
        bytes += Array(",\"meta\":".utf8)
        bytes += Array(JSON.meta(context).jsonText.utf8)
        bytes.append(UInt8(ascii: "}"))
        return JSON.response(bytes: bytes)
    }

    /// A cached page answer: `extra` members, then `data` and `pagination`, then this request's meta.
    /// An empty page when `matchesNothing` (a filter no stored text can equal), without a query.
    func pageAnswer<Item: Sendable>(
        key: String, limit: Int, offset: Int, extra: [(String, RawValue)] = [], matchesNothing: Bool = false,
        _ context: APIRequestContext,
        read: @escaping @Sendable () async throws -> Page<Item>, json: @escaping (Item) -> RawValue
    ) async throws -> Response {
        if matchesNothing {
            return answer(
                cached: Self.members(
                    extra + [
                        ("data", .array([])), ("pagination", JSON.pagination(limit: limit, offset: offset, returned: 0, total: 0)),
                    ]), context)
        }
        let members = try await cache.value(for: key) { () -> [UInt8] in
            let page = try await fromDatabase(read)
            return Self.members(
                extra + [
                    ("data", .array(page.items.map(json))),
                    ("pagination", JSON.pagination(limit: limit, offset: offset, returned: page.items.count, total: page.total)),
                ])
        }
        return answer(cached: members, context)
    }

    /// The members of an object, without its braces, for ``answer(cached:_:)``.
    static func members(_ fields: [(String, RawValue)]) -> [UInt8] {
        Array(JSON.object(fields).jsonText.utf8.dropFirst().dropLast())
    }
}
