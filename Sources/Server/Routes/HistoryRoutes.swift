import ETLFramework
import HostSupport
import Foundation
import Hummingbird

/// The price history: `GET /data/{ticker}/history`, the observations of one ticker per source.
extension API {
    var historyRoutes: [Endpoint] {
        [
            Endpoint(
                method: .get, path: "/data/{ticker}/history",
                summary: "Observations of one ticker per source, newest first, over a date range", handler: history)
        ]
    }

    func history(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["source", "start_date", "end_date", "limit", "offset"])
        var context = context
        context.ignoredParameters = parameters.ignored
        let ticker = Normalizer.unifyCase(try context.pathParameter("ticker"))
        let (start, end) = try parameters.dateRange()
        let query = HistoryQuery(
            ticker: ticker, source: try parameters.text("source"), start: start, end: end, limit: try parameters.limit(),
            offset: try parameters.offset())
        let store = self.store, logger = self.logger
        return try await pageAnswer(
            key: query.cacheKey, limit: query.limit, offset: query.offset,
            extra: [("ticker", .string(ticker))], matchesNothing: parameters.matchesNothing, context,
            read: { try await store.history(query, logger: logger) }, write: { $1.point($0) })
    }

    static func json(_ point: HistoryPoint) -> RawValue {
        JSON.object([
            ("source", .string(point.source)), ("source_asset_id", .string(point.sourceAssetID)),
            ("ticker", .string(point.ticker)), ("observed_at", JSON.time(point.observedAt)),
            ("price_usd", .number(point.priceUSD)), ("market_cap_usd", JSON.decimal(point.marketCapUSD)),
            ("volume_24h_usd", JSON.decimal(point.volume24hUSD)),
            ("percent_change_24h", JSON.decimal(point.percentChange24h)), ("rank", JSON.integer(point.rank)),
        ])
    }
}
