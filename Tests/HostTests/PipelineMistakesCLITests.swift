import Foundation
import Testing
import TestSupport

/// Mistakes in a pipeline file, as a user meets them on the command line: `host validate` names
/// them all before a load, a run that quarantines too much exits 1, and `host reset` recovers.
@Suite struct PipelineMistakesCLITests {
    static let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"
    /// A file of the default columns with one row.
    static let oneRow = header + "BTC,Bitcoin,100,1,1,1,2025-01-01T00:00:00Z\n"

    static func scratch(_ files: [String: String]) throws -> URL {
        let directory = try Paths.scratchDirectory()
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test func validateReportsEveryWrongValueInOnePass() async throws {
        let directory = try Self.scratch([
            "export.csv": "symbol,name,price_usd,24h_volume_usd\nBTC,Bitcoin,1,2\n",
            "p.yaml": """
            store: {url: "sqlite:db.sqlite"}
            pipelines:
              - name: csv
                source: {type: csv, path: export.csv, mapping: {volume_24h_usd: volume_24h}}
                transform: {normalize: {timestamp_format: "YYYY-MM-DD", mapping: {volume_24h: x}}}
              - name: gecko
                source: {type: coingecko, base_url: "https://pro-api.coingecko.com/api/v3", plan: demo, pages: many, per_page: lots}
              - name: api
                source: {type: http_json, url: "http://127.0.0.1:9/x", id: id, records: data, mapping: {ticker: s, price_usd: p}}
                checks: {max_quarantined: 150%}
            """,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await HostProcess.run(["validate", "p.yaml"], in: directory)
        #expect(output.status == 2)
        let lines = output.stderr.split(separator: "\n").map(String.init)
        let expected = [
            "p.yaml:5:71: pipelines[0].transform.normalize.mapping.volume_24h: unknown key \"volume_24h\" (did you mean \"volume_24h_usd\"?)",
            "p.yaml:7:100: pipelines[1].source.pages: expected an integer, got \"many\"",
            "p.yaml:7:116: pipelines[1].source.per_page: expected an integer, got \"lots\"",
            "p.yaml:9:77: pipelines[2].source.records: records must be a JSON pointer",
            "p.yaml:10:31: pipelines[2].checks.max_quarantined: expected a percentage from 0% to 100%",
        ]
        for prefix in expected {
            #expect(lines.contains { $0.hasPrefix(prefix) }, "missing \(prefix) in:\n\(output.stderr)")
        }
        #expect(output.stderr.contains("timestamp_format \"YYYY-MM-DD\" uses Y, the week-based year"), "\(output.stderr)")
        // With the types right, the values are checked: the plan against the base URL.
        let second = try Self.scratch([
            "p.yaml": """
            store: {url: "sqlite:db.sqlite"}
            pipelines:
              - name: gecko
                source: {type: coingecko, base_url: "https://pro-api.coingecko.com/api/v3", plan: demo, pages: 0}
            """
        ])
        defer { try? FileManager.default.removeItem(at: second) }
        let plan = try await HostProcess.run(["validate", "p.yaml"], in: second)
        #expect(plan.status == 2)
        #expect(plan.stderr.contains("pipelines[0].source.pages: pages must be between 1 and 100"), "\(plan.stderr)")
        #expect(
            plan.stderr.contains("pipelines[0].source.plan: plan demo does not fit base_url https://pro-api.coingecko.com/api/v3"), "\(plan.stderr)")
    }

    @Test func validateChecksAMappingAgainstTheCSVHeader() async throws {
        let directory = try Self.scratch([
            "export.csv": ",symbol,name,price_usd,24h_volume_usd\n0,BTC,Bitcoin,1,2\n",
            "p.yaml": """
            store: {url: "sqlite:db.sqlite"}
            pipelines:
              - name: csv
                source: {type: csv, path: export.csv, mapping: {volume_24h_usd: volume_24h}, skip_columns: [column_1]}
            """,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await HostProcess.run(["validate", "p.yaml"], in: directory)
        #expect(output.status == 2)
        #expect(
            output.stderr.contains(
                "p.yaml: pipeline csv: mapping key volume_24h_usd names \"volume_24h\", which the data does not have (nearest: \"24h_volume_usd\")"),
            "\(output.stderr)")
        #expect(
            output.stdout.contains("note: the data has no \"created_at\" for observed_at: every record is stamped with the file's modification time"))
    }

    @Test func aWrongFormatFailsTheRunAndResetRecoversAfterTheFix() async throws {
        let rows = Self.header + "BTC,Bitcoin,100,1,1,1,06/01/2025 10:00\nETH,Ethereum,10,1,1,1,06/01/2025 10:00\n"
        func file(format: String) -> String {
            """
            store: {url: "sqlite:db.sqlite"}
            pipelines:
              - name: csv
                source: {type: csv, path: a.csv}
                transform: {normalize: {timestamp_format: "\(format)"}}
            """
        }
        let directory = try Self.scratch(["a.csv": rows, "p.yaml": file(format: "MM/dd/yyyy HH:mm:ss")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let wrong = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory)
        #expect(wrong.status == 1)
        #expect(
            wrong.stdout.contains("csv: failed checks: max_quarantined: quarantined 100% of 2 records read, above the limit of 50%"),
            "\(wrong.stdout)")
        try file(format: "dd/MM/yyyy HH:mm").write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let stuck = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory)
        #expect(stuck.status == 0)
        #expect(stuck.stdout.contains("csv       success  0          0            0"), "\(stuck.stdout)")
        let reset = try await HostProcess.run(["reset", "p.yaml", "--pipeline", "csv"], in: directory)
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(reset.stdout.contains("checkpoint of csv forgotten"))
        let recovered = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory)
        #expect(recovered.status == 0)
        #expect(recovered.stdout.contains("csv       success  2          0            0"), "\(recovered.stdout)")
        let unknown = try await HostProcess.run(["reset", "p.yaml", "--pipeline", "nope"], in: directory)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown pipeline nope"))
    }
}
