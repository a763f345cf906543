import Foundation
import Testing
import TestSupport

@Suite struct HostCLITests {
    @Test func validatePrintsEveryProblemWithItsPositionAndFails() throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        store: {type: postgres, url: "${DATABASE_URL}"}
        pipelines:
          - name: prices
            source: {type: csvv, path: a.csv}
          - name: other
            source: {type: csv, path: b.csv, mapping: {prise_usd: Close}}
            schedule: {every: never}
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let output = try HostProcess.run(["validate", "p.yaml"], in: directory)
        #expect(output.status == 2)
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "p.yaml:1:30: store.url: environment variable DATABASE_URL is not set (give a default with ${DATABASE_URL:-value})",
                "p.yaml:4:20: pipelines[0].source.type: unknown source type \"csvv\" (did you mean \"csv\"?)",
                "p.yaml:6:48: pipelines[1].source.mapping.prise_usd: unknown key \"prise_usd\" (did you mean \"price_usd\"?)",
                "p.yaml:7:23: pipelines[1].schedule.every: expected a duration such as 30s, 5m or 1h, got \"never\"",
            ])
    }

    @Test func validateAcceptsTheShippedPipelineFile() throws {
        let output = try HostProcess.run(
            ["validate", "pipelines.yaml"], in: Paths.packageRoot,
            environment: ["DATABASE_URL": "postgres://etl:secret@127.0.0.1:1/etl"])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("pipelines.yaml: OK"))
    }

    @Test func adaptersListsEveryTypeWithItsKeys() throws {
        let output = try HostProcess.run(["adapters"], in: Paths.packageRoot)
        #expect(output.status == 0)
        #expect(output.stdout.contains("  csv: "))
        #expect(output.stdout.contains("    path (string, required, not empty): "))
        #expect(output.stdout.contains("  postgres: "))
        #expect(output.stdout.contains("transforms:\n  dedupe: "))
        #expect(output.stdout.contains("    where (string, required, not empty): "))
        let json = try HostProcess.run(["adapters", "--format", "json"], in: Paths.packageRoot)
        #expect(json.status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [[String: Any]]]
        #expect(document?["sources"]?.compactMap { $0["type"] as? String } == ["coingecko", "coinpaprika", "csv", "http_json"])
        #expect(document?["transforms"]?.compactMap { $0["type"] as? String } == ["dedupe", "drop", "filter", "normalize", "rename", "set"])
        #expect(document?["stores"]?.compactMap { $0["type"] as? String } == ["postgres", "sqlite"])
        let filter = document?["transforms"]?.first { $0["type"] as? String == "filter" }
        let keys = filter?["keys"] as? [[String: Any]]
        #expect(keys?.first?["name"] as? String == "where")
        #expect(keys?.first?["required"] as? Bool == true)
    }

    @Test func anUnreachableDatabaseFailsFastWithoutPrintingThePassword() throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "store: {type: postgres, url: \"${DATABASE_URL}\"}\npipelines: [{name: p, source: {type: csv, path: a.csv}}]\n"
            .write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let output = try HostProcess.run(
            ["run", "p.yaml", "--once"], in: directory,
            environment: ["DATABASE_URL": "postgres://etl:hunter2hunter2@127.0.0.1:9/etl?sslmode=disable"])
        #expect(output.status == 1)
        #expect(!output.stderr.contains("hunter2hunter2"))
        #expect(output.stderr.contains("error: database error while connecting to postgres://etl:<redacted>@127.0.0.1:9/etl"))
    }
}
