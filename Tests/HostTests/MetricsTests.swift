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

    /// The exposition as Prometheus' own Python client parses it: every family with its help text.
    static func parsedByPrometheusClient(_ text: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import sys
            try:
                from prometheus_client.parser import text_string_to_metric_families
            except ImportError:
                print("unavailable"); sys.exit(0)
            families = list(text_string_to_metric_families(open(sys.argv[1]).read()))
            bare = [f.name for f in families if not f.documentation]
            print("families", len(families), "undocumented", bare)
            sys.exit(1 if bare or not families else 0)
            """
        let output = try Command.run("/usr/bin/env", ["python3", "-c", script, file.path])
        if output.hasPrefix("unavailable") {
            // CI installs prometheus_client; elsewhere the check is skipped, and says so.
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "prometheus_client is not installed")
            return
        }
        #expect(output.contains("undocumented []"), "\(output)")
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
            // Every family says what it counts, in its own words.
            let lines = text.split(separator: "\n")
            for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).prefix { $0 != " " }
                #expect(index > 0 && lines[index - 1].hasPrefix("# HELP \(name) "), "\(name) has no HELP line")
                #expect(MetricsHelp.texts[String(name)] != nil, "\(name) is not in MetricsHelp.texts")
            }
            try Self.parsedByPrometheusClient(text)
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
