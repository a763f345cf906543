import ETLFramework
import Foundation
import Hummingbird

/// The dashboard for browsers: `GET /` (when the client accepts HTML) and `GET /dashboard/{ticker}`.
/// Server-rendered; every table is one indexed page query.
extension API {
    var dashboardRoutes: [Endpoint] {
        [
            Endpoint(
                method: .get, path: "/dashboard/{ticker}", summary: "HTML page of one ticker: its price history per source as a chart",
                handler: tickerPage),
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
        let store = self.store, logger = self.logger
        let latest = try await latestRuns()
        let prices = try await fromDatabase {
            try await store.unifiedRecords(RecordQuery(limit: Self.pageSize, offset: (page - 1) * Self.pageSize), logger: logger)
        }
        let runs = try await fromDatabase { try await store.runs(RunQuery(limit: 10), logger: logger) }
        var body = "<h1>Kasparro ETL</h1>"
        body += "<h2>Pipelines</h2><table id=\"pipelines\"><tr><th>pipeline</th><th>status</th><th>last run</th><th>finished</th><th>next run</th><th></th></tr>"
        for pipeline in controller.pipelines {
            let run = latest[pipeline.name]
            let next: String
            if let every = pipeline.schedule, let finished = run?.finishedAt {
                next = JSON.timestamp(finished.addingTimeInterval(Double(every.components.seconds)))
            } else {
                next = pipeline.schedule == nil ? "on demand" : "after the current run"
            }
            let status = run?.status.rawValue ?? "never run"
            body += "<tr><td>\(HTML.escape(pipeline.name))</td><td class=\"\(status)\">\(status)</td>"
                + "<td class=\"n\">\(run.map { "#\($0.id)" } ?? "")</td><td>\(run?.finishedAt.map(JSON.timestamp) ?? "")</td>"
                + "<td>\(next)</td><td><button onclick=\"runNow('\(HTML.escape(pipeline.name))')\">run now</button></td></tr>"
        }
        body += "</table><p class=\"muted\">Run now asks for the trigger token (server.trigger_token); it is sent only with that request, never stored in the page. <span id=\"trigger-result\"></span></p>"
        body += "<h2>Latest prices</h2><table id=\"prices\"><thead><tr>"
        for (index, heading) in ["ticker", "name", "price (USD)", "market cap", "24h %", "source", "observed"].enumerated() {
            body += "<th onclick=\"sortTable('prices',\(index))\">\(heading)</th>"
        }
        body += "</tr></thead><tbody>"
        for record in prices.items {
            body += "<tr><td><a href=\"/dashboard/\(HTML.escape(HTML.pathSegment(record.ticker)))\">\(HTML.escape(record.ticker))</a></td>"
                + "<td>\(HTML.escape(record.name ?? ""))</td><td class=\"n\">\(record.priceUSD)</td>"
                + "<td class=\"n\">\(record.marketCapUSD ?? "")</td><td class=\"n\">\(record.percentChange24h ?? "")</td>"
                + "<td>\(HTML.escape(record.source))</td><td>\(record.createdAt.iso8601)</td></tr>"
        }
        let pages = max(1, (prices.total + Self.pageSize - 1) / Self.pageSize)
        body += "</tbody></table><p class=\"muted\">\(prices.total) tickers, page \(page) of \(pages)"
        if page > 1 { body += " · <a href=\"/?page=\(page - 1)\">previous</a>" }
        if page < pages { body += " · <a href=\"/?page=\(page + 1)\">next</a>" }
        body += "</p><h2>Recent runs</h2><table id=\"runs\"><tr><th>run</th><th>pipeline</th><th>status</th><th>trigger</th><th>processed</th><th>quarantined</th><th>skipped</th><th>filtered</th><th>message</th></tr>"
        for run in runs.items {
            body += "<tr><td class=\"n\">#\(run.id)</td><td>\(HTML.escape(run.pipeline))</td><td class=\"\(run.status.rawValue)\">\(run.status.rawValue)</td>"
                + "<td>\(run.trigger.rawValue)</td><td class=\"n\">\(run.counters.processed)</td><td class=\"n\">\(run.counters.quarantined)</td>"
                + "<td class=\"n\">\(run.counters.skipped)</td><td class=\"n\">\(run.counters.filtered)</td><td class=\"reason\">\(HTML.escape(run.message ?? ""))</td></tr>"
            if run.counters.quarantined > 0 {
                let detail = try await fromDatabase { try await store.run(id: run.id, rejectionLimit: 5, logger: logger) }
                for rejection in detail?.rejections ?? [] {
                    body += "<tr><td></td><td colspan=\"7\" class=\"reason muted\">\(HTML.escape(rejection.location.description)): \(HTML.escape(rejection.reason))</td></tr>"
                }
            }
        }
        body += "</table>" + Self.script
        return Self.html(HTML.page(title: "Kasparro ETL", body: body))
    }

    func tickerPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let ticker = Normalizer.unifyCase(try context.pathParameter("ticker"))
        let store = self.store, logger = self.logger
        let found = try await fromDatabase { try await store.unifiedRecord(ticker: ticker, logger: logger) }
        guard let record = found else { throw APIError.notFound("no unified record for ticker \(ticker)") }
        let history = try await fromDatabase { try await store.history(HistoryQuery(ticker: ticker, limit: 200), logger: logger) }
        var body = "<p><a href=\"/\">← dashboard</a></p><h1>\(HTML.escape(record.ticker)) · \(HTML.escape(record.name ?? ""))</h1>"
        body += "<p>\(record.priceUSD) USD from <b>\(HTML.escape(record.source))</b> (\(HTML.escape(record.sourceAssetID))), observed \(record.createdAt.iso8601)</p>"
        body += "<h2>Price history per source</h2>" + PriceChart(points: history.items).svg
        body += "<h2>Observations</h2><table id=\"history\"><tr><th>observed</th><th>source</th><th>price (USD)</th><th>market cap</th></tr>"
        for point in history.items {
            body += "<tr><td>\(point.observedAt.iso8601)</td><td>\(HTML.escape(point.source))</td><td class=\"n\">\(point.priceUSD)</td><td class=\"n\">\(point.marketCapUSD ?? "")</td></tr>"
        }
        body += "</table>"
        return Self.html(HTML.page(title: "\(record.ticker) · Kasparro ETL", body: body))
    }

    static func html(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let script = """
        <script>
        function sortTable(id, column) {
          const body = document.querySelector('#' + id + ' tbody');
          const rows = Array.from(body.rows);
          const numeric = rows.every(r => r.cells[column].textContent === '' || !isNaN(parseFloat(r.cells[column].textContent)));
          const direction = body.dataset.column == column && body.dataset.direction === 'asc' ? 'desc' : 'asc';
          rows.sort((a, b) => {
            const x = a.cells[column].textContent, y = b.cells[column].textContent;
            const order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
            return direction === 'asc' ? order : -order;
          });
          body.dataset.column = column; body.dataset.direction = direction;
          rows.forEach(r => body.appendChild(r));
        }
        async function runNow(pipeline) {
          const token = window.prompt('Trigger token for ' + pipeline);
          if (!token) return;
          const answer = await fetch('/trigger-etl?pipeline=' + encodeURIComponent(pipeline), {method: 'POST', headers: {'X-Scheduler-Token': token}});
          const json = await answer.json();
          document.getElementById('trigger-result').textContent = answer.status + ': ' + (json.error ? json.error.message : 'started run ' + json.runs[0].run_id);
        }
        </script>
        """
}
