import ETLFramework
import HostSupport
import Foundation
import Hummingbird

/// The dashboard for browsers: `GET /` (when the client accepts HTML) and `GET /dashboard/{ticker}`.
/// Server-rendered; every table is one indexed page query.
extension API {
    var dashboardRoutes: [Endpoint] {
        [
            Endpoint(
                method: .get, path: "/dashboard/{ticker}", summary: "HTML page of one ticker: its price history per source as a chart",
                handler: tickerPage)
        ]
    }

    static let pageSize = 50
    static let maxPage = 1_000_000

    /// The `page` parameter of `/` (for JSON clients too, so that both answers agree on what is valid).
    static func page(_ request: Request) throws(APIError) -> Int {
        try QueryParameters(request, allowed: ["page"]).integer("page", default: 1, range: 1...maxPage)
    }

    func wantsHTML(_ request: Request) -> Bool {
        (request.headers[.accept] ?? "").contains("text/html")
    }

    func dashboard(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        // Range-checked before any arithmetic: `(page - 1) * pageSize` must never overflow.
        let page = try Self.page(request)
        let store = self.store, recordPages = self.recordPages, logger = self.logger
        let latest = try await latestRuns()
        let prices = try await fromDatabase {
            try await recordPages.page(RecordQuery(limit: Self.pageSize, offset: (page - 1) * Self.pageSize), logger: logger)
        }
        let runs = try await fromDatabase { try await store.runs(RunQuery(limit: 10), logger: logger) }
        let pipelines: [[String: Any]] = controller.pipelines.map { pipeline in
            let run = latest[pipeline.name]
            var next = pipeline.schedule == nil ? "on demand" : "after the current run", nextAgo = next
            if let every = pipeline.schedule, let finished = run?.finishedAt {
                let due = finished.addingTimeInterval(Double(every.components.seconds))
                next = JSON.timestamp(due)
                nextAgo = RelativeTime.text(due)
            }
            let failedChecks = (run?.checks.failed ?? []).map(\.name)
            var row: [String: Any] = [
                "name": pipeline.name, "status": run?.status.rawValue ?? "never run", "run": run.map { "#\($0.id)" } ?? "",
                "finished": run?.finishedAt.map(JSON.timestamp) ?? "", "finishedAgo": run?.finishedAt.map { RelativeTime.text($0) } ?? "",
                "next": next, "nextAgo": nextAgo,
            ]
            // Absent, not empty, when nothing failed: a Mustache section renders for an empty string.
            if !failedChecks.isEmpty { row["checksFailed"] = "failed checks: " + failedChecks.joined(separator: ", ") }
            return row
        }
        var runRows: [[String: Any]] = []
        for run in runs.items {
            var row: [String: Any] = [
                "id": "\(run.id)", "pipeline": run.pipeline, "status": run.status.rawValue, "trigger": run.trigger.rawValue,
                "processed": run.counters.processed, "quarantined": run.counters.quarantined, "skipped": run.counters.skipped,
                "filtered": run.counters.filtered, "message": run.message ?? "", "anomalyCount": run.counters.anomalies,
            ]
            if !run.checks.failed.isEmpty { row["checksFailed"] = run.checks.failed.map(\.name).joined(separator: ", ") }
            if run.counters.quarantined > 0 {
                let detail = try await fromDatabase { try await store.run(id: run.id, rejectionLimit: 5, logger: logger) }
                row["rejections"] = (detail?.rejections ?? []).map { ["location": $0.location.description, "reason": $0.reason] }
            }
            if run.counters.anomalies > 0 {
                let flagged = try await fromDatabase { try await store.anomalies(run: run.id, limit: 5, offset: 0, logger: logger) }
                row["anomalies"] = flagged.items.map { anomaly -> [String: Any] in
                    [
                        "ticker": anomaly.ticker, "path": HTML.pathSegment(anomaly.ticker), "price": anomaly.priceUSD,
                        "observed": anomaly.observedAt.iso8601, "observedAgo": RelativeTime.text(anomaly.observedAt.date),
                        "previous": anomaly.previousPriceUSD,
                        "previousObserved": anomaly.previousObservedAt.iso8601,
                        "previousObservedAgo": RelativeTime.text(anomaly.previousObservedAt.date), "previousSource": anomaly.previousSource,
                        "change": RunChecks.signedPercent(anomaly.change),
                    ]
                }
                if flagged.total > flagged.items.count { row["moreAnomalies"] = flagged.total - flagged.items.count }
            }
            runRows.append(row)
        }
        let pages = max(1, (prices.total + Self.pageSize - 1) / Self.pageSize)
        var values: [String: Any] = [
            "title": "Kasparro ETL", "pipelines": pipelines, "runs": runRows, "total": prices.total, "page": page, "pages": pages,
            "prices": prices.items.map { record -> [String: Any] in
                [
                    "ticker": record.ticker, "path": HTML.pathSegment(record.ticker), "name": record.name ?? "",
                    "price": record.priceUSD, "marketCap": record.marketCapUSD ?? "", "change": record.percentChange24h ?? "",
                    "source": record.source, "observed": record.createdAt.iso8601, "observedAgo": RelativeTime.text(record.createdAt.date),
                ]
            },
        ]
        if page > 1 { values["previous"] = page - 1 }
        if page < pages { values["next"] = page + 1 }
        return Self.html(Templates.render("dashboard", values))
    }

    func tickerPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let ticker = Normalizer.unifyCase(try context.pathParameter("ticker"))
        let store = self.store, logger = self.logger
        let found = try await fromDatabase { try await store.unifiedRecord(ticker: ticker, logger: logger) }
        guard let record = found else { throw APIError.notFound("no unified record for ticker \(ticker)") }
        let history = try await fromDatabase { try await store.history(HistoryQuery(ticker: ticker, limit: 200), logger: logger) }
        var values: [String: Any] = [
            "title": "\(record.ticker) · Kasparro ETL", "ticker": record.ticker, "name": record.name ?? "",
            "price": record.priceUSD, "source": record.source, "sourceAssetID": record.sourceAssetID,
            "observed": record.createdAt.iso8601, "observedAgo": RelativeTime.text(record.createdAt.date),
            "history": history.items.map { point -> [String: Any] in
                [
                    "observed": point.observedAt.iso8601, "observedAgo": RelativeTime.text(point.observedAt.date), "source": point.source,
                    "price": point.priceUSD, "marketCap": point.marketCapUSD ?? "",
                ]
            },
        ]
        values["chart"] = PriceChart(points: history.items).context
        return Self.html(Templates.render("ticker", values))
    }

    static func html(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
