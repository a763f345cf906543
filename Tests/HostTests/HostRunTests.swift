import Foundation
import Testing
import TestSupport

@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct HostRunTests {
    @Test func runOnceLoadsTheSampleAndPrintsASummaryWithoutLeakingSecrets() async throws {
        try await TestDatabase.with { database in
            let output = try await HostProcess.run(
                ["run", "pipelines.yaml", "--once", "--pipeline", "csv"], in: Paths.packageRoot,
                environment: ["DATABASE_URL": database.url, "LOG_LEVEL": "debug"])
            #expect(output.status == 0, "\(output.stderr)")
            let lines = output.stdout.split(separator: "\n")
            #expect(
                lines.first?.split(separator: " ", omittingEmptySubsequences: true)
                    == ["pipeline", "status", "processed", "quarantined", "skipped", "filtered", "duration", "rows/s", "run"])
            #expect(lines.dropFirst().first?.hasPrefix("csv") == true)
            #expect(lines.dropFirst().first?.contains("success") == true)
            #expect(try await database.scalar("SELECT count(*) FROM normalized_records") == "7")
            let password = try #require(URLComponents(string: database.url)?.password)
            #expect(!output.stderr.contains(password))
            // Besides progress lines (`csv: 100.0% 7 records ...`), stderr holds only JSON log lines.
            let progress = output.stderr.split(separator: "\n").filter { $0.hasPrefix("csv: ") }
            #expect(progress.last?.contains("100.0% 7 records") == true)
            for line in output.stderr.split(separator: "\n") where !line.hasPrefix("csv: ") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["level"] != nil && object?["message"] != nil, "not a JSON log line: \(line)")
            }
        }
    }

    @Test func withoutTheAPIsTheShippedFileFailsThemCleanlyAndStillLoadsTheCSV() async throws {
        try await TestDatabase.with { database in
            // `.invalid` never resolves (RFC 2606): the same path as a machine without internet.
            let output = try await HostProcess.run(
                ["run", "pipelines.yaml", "--once"], in: Paths.packageRoot,
                environment: [
                    "DATABASE_URL": database.url, "LOG_LEVEL": "critical",
                    "COINPAPRIKA_BASE_URL": "https://api.coinpaprika.com.invalid/v1",
                    "COINGECKO_BASE_URL": "https://api.coingecko.com.invalid/api/v3",
                ])
            #expect(output.status == 1)
            #expect(output.stdout.contains("coinpaprika: cannot reach api.coinpaprika.com.invalid after 4 attempts: "))
            #expect(output.stdout.contains("coingecko: cannot reach api.coingecko.com.invalid after 4 attempts: "))
            let runs = try await database.rows("SELECT pipeline, status, processed FROM etl_runs ORDER BY pipeline")
            #expect(runs == [["coingecko", "failed", "0"], ["coinpaprika", "failed", "0"], ["csv", "success", "7"]])
            #expect(try await database.scalar("SELECT count(*) FROM checkpoints WHERE pipeline <> 'csv'") == "0")
        }
    }

    @Test func aFailedPipelineMakesTheExitCodeNonZeroWhileTheOthersRun() async throws {
        try await TestDatabase.with { database in
            let directory = try Paths.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try "symbol,price_usd\nBTC,1\n".write(to: directory.appendingPathComponent("ok.csv"), atomically: true, encoding: .utf8)
            try """
            store: {type: postgres, url: "${DATABASE_URL}"}
            pipelines:
              - {name: good, source: {type: csv, path: ok.csv}}
              - {name: bad, source: {type: csv, path: missing.csv}}
            """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let output = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory, environment: ["DATABASE_URL": database.url])
            #expect(output.status == 1)
            #expect(output.stdout.contains("bad: missing.csv: cannot open the file (No such file or directory)"))
            let runs = try await database.rows("SELECT pipeline, status FROM etl_runs ORDER BY pipeline")
            #expect(runs == [["bad", "failed"], ["good", "success"]])
        }
    }
}
