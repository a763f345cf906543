import ETLFramework
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@testable import Server

/// Checks and anomalies where a person looks: the run record, its anomalies, `/health`, the dashboard
/// and `/metrics`, on every store, validated against the API document.
@Suite struct DataQualityAPITests {
    @Test(arguments: StoreKind.available)
    func aRunsChecksComparisonAndAnomaliesAreServedAsTheDocumentSays(kind: StoreKind) async throws {
        HostMetrics.bootstrap()
        // Metrics are process-wide: each store's run has its own pipeline name.
        let name = "quality_\(kind)"
        let rows = APIHarness.header + "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\n"
        let checks = RunChecks(
            maxCountChange: CheckLimit(0.1, onFail: .warn), maxPriceChange: CheckLimit(0.5, onFail: .warn),
            freshness: CheckLimit(.seconds(1800), onFail: .warn))
        try await APIHarness.with(kind, files: [(name, rows)], checks: [name: checks]) { harness, client in
            let document = try await client.json("/openapi.json")
            let validator = SchemaValidator(document: document.body)
            func validated(_ uri: String, _ path: String) async throws -> [String: Any] {
                let answer = try await client.json(uri)
                #expect(answer.status == .ok, "\(uri): \(answer.body)")
                let schema = try #require(validator.responseSchema(path: path, method: "get", status: 200))
                let problems = validator.validate(answer.body, against: schema)
                #expect(problems.isEmpty, "\(uri): \(problems)")
                return answer.body
            }
            // The data is from 2025: the first run already finds the pipeline stale.
            let health = try await validated("/health", "/health")
            #expect(health["status"] as? String == "degraded")
            let reasons = health["reasons"] as? [String] ?? []
            #expect(reasons.contains { $0.hasPrefix("pipeline \(name): stale: the newest observation is") }, "\(reasons)")
            #expect(health[path: "pipelines.\(name).checks_failed"] as? [String] == ["freshness"])

            let file = harness.directory.appendingPathComponent("\(name).csv")
            let handle = try FileHandle(forWritingTo: file)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("BTC,Bitcoin,10000,1000,1,1,2025-01-02T00:00:00Z\n".utf8))
            try handle.close()
            let triggered = try await client.json("/trigger-etl?pipeline=\(name)", method: .post, headers: token)
            #expect(triggered.status == .accepted)
            try await waitForRuns(client, pipeline: name, finished: 2)
            let runs = try await validated("/runs?pipeline=\(name)", "/runs")
            let list = runs["data"] as? [[String: Any]] ?? []
            let (second, first) = (try #require(list.first?["id"] as? Int), try #require(list.last?["id"] as? Int))

            let run = try await validated("/runs/\(second)", "/runs/{id}")
            #expect(run[path: "data.status"] as? String == "success")
            #expect(run[path: "data.anomalies"] as? Int == 1)
            #expect(run[path: "data.checks_failed"] as? [String] == ["max_count_change", "max_price_change", "freshness"])
            #expect(run[path: "data.compared_run"] as? Int == first)
            let results = run[path: "data.checks"] as? [[String: Any]] ?? []
            let price = try #require(results.first { $0["name"] as? String == "max_price_change" })
            #expect(price["observed"] as? Double == 99 && price["limit"] as? Double == 0.5 && price["on_fail"] as? String == "warn")
            #expect(run[path: "data.comparison.run_id"] as? Int == first)
            #expect(run[path: "data.comparison.records.before"] as? Int == 2 && run[path: "data.comparison.records.now"] as? Int == 1)
            #expect(run[path: "data.comparison.vanished_tickers.tickers"] as? [String] == ["ETH"])
            #expect(run[path: "data.comparison.new_tickers.count"] as? Int == 0)

            let anomalies = try await validated("/runs/\(second)/anomalies", "/runs/{id}/anomalies")
            let flagged = anomalies["data"] as? [[String: Any]] ?? []
            #expect(flagged.count == 1 && anomalies[path: "pagination.total"] as? Int == 1)
            #expect(flagged.first?["ticker"] as? String == "BTC" && flagged.first?["change"] as? Double == 99)
            #expect(flagged.first?["price_usd"] as? Double == 10000)
            #expect((flagged.first?["previous"] as? [String: Any])?["price_usd"] as? Double == 100)
            #expect((flagged.first?["previous"] as? [String: Any])?["observed_at"] as? String == "2025-01-01T00:00:00.000Z")
            #expect((flagged.first?["raw"] as? String)?.contains("10000") == true)
            #expect(try await client.json("/runs/999/anomalies").status == .notFound)

            let html = try await client.execute(uri: "/", method: .get, headers: [.accept: "text/html"]) { String(buffer: $0.body) }
            #expect(html.contains("⚠ failed checks: max_count_change, max_price_change, freshness"))
            // Marked where a check failed, with the names: the pipeline and both runs (both stale).
            #expect(html.components(separatedBy: #"class="checks-failed""#).count - 1 == 3)
            #expect(!html.contains("⚠ </span>"))
            #expect(html.contains("price move +9900%"))

            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            let values = MetricsTests.samples(metrics)
            #expect(values["etl_check_failures_total{pipeline=\"\(name)\",check=\"freshness\"}"] == 2)
            #expect(values["etl_check_failures_total{pipeline=\"\(name)\",check=\"max_price_change\"}"] == 1)
            #expect(values["etl_anomalies_total{pipeline=\"\(name)\"}"] == 1)
        }
    }
}
