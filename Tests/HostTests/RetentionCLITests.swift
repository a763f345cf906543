import ETLFramework
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `retention:` as a user meets it: mistakes named before a load; a serving host applies it at
/// start, says so in its log and counts it in `/metrics`.
@Suite struct RetentionCLITests {
    @Test func mistakesInRetentionNameTheKeyAndPosition() async throws {
        let directory = try PipelineMistakesCLITests.scratch([
            "a.csv": PipelineMistakesCLITests.header,
            "p.yaml": """
            store:
              url: "sqlite:db.sqlite"
              retention: {history: 12h, rwa: 90d}
            pipelines:
              - name: csv
                source: {type: csv, path: a.csv}
            """,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await HostProcess.run(["validate", "p.yaml"], in: directory)
        #expect(output.status == 2)
        #expect(
            output.stderr.contains(
                "p.yaml:3:24: store.retention.history: history must be at least 1d (retention is applied daily), got 12h"),
            "\(output.stderr)")
        #expect(output.stderr.contains("unknown key \"rwa\" (did you mean \"raw\"?)"), "\(output.stderr)")
    }

    @Test func aServingHostAppliesRetentionAtStartLogsItAndCountsIt() async throws {
        let now = Date()
        var rows = PipelineMistakesCLITests.header
        for age in [900.0, 5] {
            rows += "OLD,Old Coin,\(Int(age)),1,1,1,\(Timestamp(now - age * 86_400).iso8601)\n"
        }
        let directory = try PipelineMistakesCLITests.scratch([
            "a.csv": rows,
            "p.yaml": """
            store:
              url: "sqlite:db.sqlite"
              retention: {history: 365d, raw: 365d}
            server:
              port: ${PORT:-8000}
            pipelines:
              - name: csv
                source: {type: csv, path: a.csv}
            """,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        // The first start's pass runs before anything is loaded; the next start's removes the old row.
        let once = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory)
        #expect(once.status == 0, "\(once.stderr)")
        let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: [:])
        let (status, history) = try await host.request("/data/OLD/history")
        let metrics = try await URLSession.shared.data(from: URL(string: host.base + "/metrics")!).0
        #expect(try await host.terminate() == 0)
        let log = String(decoding: host.started.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 200)
        #expect((history["data"] as? [Any])?.count == 1)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains(#"etl_retention_rows_deleted_total{table="observations"} 1"#), "\(text)")
        #expect(text.contains(#"etl_retention_rows_deleted_total{table="raw_records"} 1"#))
        #expect(log.contains("retention deleted rows"), "\(log.suffix(2000))")
    }
}
