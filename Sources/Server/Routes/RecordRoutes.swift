import ETLFramework
import HostSupport
import Foundation
import Hummingbird

/// The unified records: `GET /data` (filtered and paged) and `GET /data/{ticker}`.
extension API {
    var recordRoutes: [Endpoint] {
        [
            Endpoint(
                method: .get, path: "/data",
                summary:
                    "Unified records (one per ticker), filtered by source, ticker, start_date, end_date; paged by limit and offset or cursor",
                handler: data),
            Endpoint(method: .get, path: "/data/{ticker}", summary: "The unified record of one ticker", handler: record),
        ]
    }

    func data(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let parameters = try QueryParameters(
            request, allowed: ["source", "ticker", "start_date", "end_date", "limit", "offset", "cursor"])
        var context = context
        context.ignoredParameters = parameters.ignored
        let (start, end) = try parameters.dateRange()
        let after = try parameters.cursor()
        let query = RecordQuery(
            source: try parameters.text("source"), ticker: try parameters.text("ticker").map(Normalizer.unifyCase),
            start: start, end: end, after: after, limit: try parameters.limit(), offset: try parameters.offset())
        let pages = self.recordPages, logger = self.logger
        return try await pageAnswer(
            key: query.cacheKey, limit: query.limit, offset: after == nil ? query.offset : nil,
            matchesNothing: parameters.matchesNothing, cursor: { RecordCursor.encode(after: $0.id) }, context,
            read: { try await pages.page(query, logger: logger) }, write: { $1.record($0) })
    }

    func record(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        var context = context
        context.ignoredParameters = try QueryParameters(request, allowed: []).ignored
        let ticker = Normalizer.unifyCase(try context.pathParameter("ticker"))
        let cached = try await cache.value(for: "record/" + ticker) { () -> CachedAnswer in
            let found = try await fromDatabase { try await store.unifiedRecord(ticker: ticker, logger: logger) }
            guard let record = found else { return CachedAnswer([]) }
            return CachedAnswer(Self.members([("data", Self.json(record))]))
        }
        guard !cached.members.isEmpty else { throw APIError.notFound("no unified record for ticker \(ticker)") }
        return try answer(cached: cached, context)
    }

    static func json(_ record: UnifiedRecord) -> RawValue {
        JSON.object([
            ("id", .string(record.id)), ("ticker", .string(record.ticker)), ("name", JSON.string(record.name)),
            ("price_usd", .number(record.priceUSD)), ("market_cap_usd", JSON.decimal(record.marketCapUSD)),
            ("volume_24h_usd", JSON.decimal(record.volume24hUSD)),
            ("percent_change_24h", JSON.decimal(record.percentChange24h)), ("rank", JSON.integer(record.rank)),
            ("source", .string(record.source)), ("source_asset_id", .string(record.sourceAssetID)),
            ("created_at", JSON.time(record.createdAt)), ("ingested_at", JSON.time(record.ingestedAt)),
        ])
    }
}
