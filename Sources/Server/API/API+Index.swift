import ETLFramework
import Hummingbird

/// `GET /`: the endpoints this host serves.
extension API {
    static let endpoints: [(method: String, path: String, summary: String)] = [
        ("GET", "/data", "Unified records (one per ticker), filtered by source, ticker, start_date, end_date; paged by limit and offset"),
        ("GET", "/data/{ticker}", "The unified record of one ticker"),
        ("GET", "/data/{ticker}/history", "Observations of one ticker per source, newest first, over a date range"),
        ("GET", "/health", "Database and last-run status"),
        ("GET", "/stats", "Run statistics per pipeline"),
        ("POST", "/trigger-etl", "Start runs now (X-Scheduler-Token); ?pipeline=NAME for one"),
        ("GET", "/runs", "Run history, newest first, filtered by pipeline and status"),
        ("GET", "/runs/{id}", "One run with its quarantined records"),
        ("GET", "/openapi.json", "The OpenAPI 3 description of this API"),
        ("GET", "/dashboard/{ticker}", "HTML page of one ticker: its price history per source as a chart"),
        ("GET", "/metrics", "Prometheus metrics: records, runs, durations, HTTP requests, source retries, staleness"),
    ]

    func index(_ context: APIRequestContext) -> Response {
        JSON.response(JSON.object([
            ("service", .string("kasparro-etl")),
            ("pipelines", .array(pipelineNames.map { .string($0) })),
            ("endpoints", .array(Self.endpoints.map { endpoint in
                JSON.object([("method", .string(endpoint.method)), ("path", .string(endpoint.path)), ("summary", .string(endpoint.summary))])
            })),
            ("request_id", .string(context.requestID)),
        ]))
    }
}
