import Foundation
import HummingbirdTesting
import Testing
import TestSupport

@testable import Server
import StandardPlugins

/// `GET /metrics` after a known run: the Prometheus text parses, and the counts are what was loaded.
/// On every store (SQLite needs no server; PostgreSQL when TEST_DATABASE_URL is set).
@Suite struct MetricsTests {
    /// `name{label="value",...} number` lines, by name and labels.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test(arguments: StoreKind.available)
    func metricsCountWhatWasLoadedAndParse(kind: StoreKind) async throws {
        HostMetrics.bootstrap()
        let rows =
            APIHarness.header
            + "MA,Metric A,1,10,1,1,2025-12-10T12:00:00Z\nMB,Metric B,2,20,1,1,2025-12-10T12:00:00Z\n"
            + "MC,Metric C,3,30,1,1,2025-12-10T12:00:00Z\nMD,Metric D,-1,1,1,1,2025-12-10T12:00:00Z\n"
        // Metrics are process-wide: each store's run has its own pipeline name.
        let probe = "metricsprobe_\(kind)"
        try await APIHarness.with(kind, files: [(probe, rows)]) { _, client in
            _ = try await client.json("/data?ticker=MA")
            let (status, text) = try await client.execute(uri: "/metrics", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(status == .ok)
            // Every line is a comment (# TYPE / # HELP) or `name{labels} value`.
            let sample = try Regex(
                #"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? -?[0-9.eE+-]+$"#)
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                #expect(line.wholeMatch(of: sample) != nil, "not a sample line: \(line)")
            }
            #expect(text.contains("# TYPE etl_records_processed_total counter"))
            let values = Self.samples(text)
            #expect(values["etl_records_processed_total{pipeline=\"\(probe)\"}"] == 3)
            #expect(values["etl_records_quarantined_total{pipeline=\"\(probe)\"}"] == 1)
            #expect(values["etl_runs_total{pipeline=\"\(probe)\",status=\"success\"}"] == 1)
            #expect(values["etl_run_duration_seconds_count{pipeline=\"\(probe)\"}"] == 1)
            #expect((values["etl_data_staleness_seconds{pipeline=\"\(probe)\"}"] ?? -1) >= 0)
            #expect((values[#"http_requests_total{route="/data",method="GET",status="200"}"#] ?? 0) >= 1)
        }
    }
}
