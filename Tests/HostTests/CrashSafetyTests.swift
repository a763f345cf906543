import Foundation
import Testing
import TestSupport

/// SIGKILLs `host run --once` in the middle of a large file, runs it again, and proves that every
/// row ended up in the tables exactly once.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set"), .serialized) struct CrashSafetyTests {
    static let rows = 60_000
    static let tickers = 500
    /// Every 997th row has a negative price and must be quarantined, exactly once.
    static let badEvery = 997

    static func generate(to url: URL) throws {
        var text = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"
        text.reserveCapacity(rows * 90)
        let start = 1_735_689_600  // 2025-01-01
        for index in 1...rows {
            let coin = index % tickers
            let price = index % badEvery == 0 ? "-1" : "\(coin + 1).\(index % 1000)"
            let time = Date(timeIntervalSince1970: TimeInterval(start + index)).formatted(.iso8601)
            text += "C\(coin),Coin \(coin),\(price),\(1_000_000 + index),\(index),0.5,\(time)\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test(arguments: [1, 2, 3])
    func killedMidRunThenRerunHoldsEveryRowExactlyOnce(trial: Int) async throws {
        try await TestDatabase.with { database in
            let directory = try Paths.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try Self.generate(to: directory.appendingPathComponent("big.csv"))
            try """
            store: {type: postgres, url: "${DATABASE_URL}"}
            pipelines:
              - {name: big, source: {type: csv, path: big.csv}, batch_size: 2000}
            """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let environment = ["DATABASE_URL": database.url, "LOG_LEVEL": "error"]

            // Kill once a growing share of the file is committed: 1 batch, then about 1/3, then 2/3.
            let killAfter = [1, Self.rows / 3, 2 * Self.rows / 3][trial - 1]
            let victim = try HostProcess.start(["run", "p.yaml", "--once"], in: directory, environment: environment)
            let committed = try await database.withClient { client in
                var committed = 0
                let deadline = Date().addingTimeInterval(120)
                while committed < killAfter, victim.process.isRunning, Date() < deadline {
                    try await Task.sleep(for: .milliseconds(2))
                    // Until the host has migrated the schema, the table does not exist yet.
                    committed =
                        (try? await TestDatabase.integer(
                            "SELECT coalesce(sum(processed + quarantined), 0)::bigint FROM etl_runs", on: client)) ?? 0
                }
                return committed
            }
            #expect(victim.process.isRunning, "the run finished before it could be killed; enlarge the file")
            #expect(committed >= killAfter && committed < Self.rows)
            kill(victim.process.processIdentifier, SIGKILL)
            victim.process.waitUntilExit()
            #expect(victim.process.terminationReason == .uncaughtSignal)
            let stranded = try await database.rows("SELECT status, latest_pending FROM etl_runs")
            #expect(stranded.map { $0[0] } == ["running"])
            if trial > 1 {
                // Its first batch wrote the latest state of the file's coins; later ones left it to the run's end.
                #expect(stranded.map { $0[1] } == ["t"], "the killed run's batches are marked for publication")
            }

            let rerun = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory, environment: environment)
            #expect(rerun.status == 0, "\(rerun.stderr)")

            let bad = Self.rows / Self.badEvery
            let runs = try await database.rows("SELECT status, processed, quarantined FROM etl_runs ORDER BY id")
            #expect(runs.map { $0[0] } == ["interrupted", "success"])
            let processed = runs.compactMap { Int($0[1] ?? "") }.reduce(0, +)
            let quarantined = runs.compactMap { Int($0[2] ?? "") }.reduce(0, +)
            #expect(processed == Self.rows - bad)
            #expect(quarantined == bad)
            #expect(try await database.scalar("SELECT count(*) FROM raw_records") == "\(Self.rows)")
            #expect(try await database.scalar("SELECT count(DISTINCT line) FROM raw_records") == "\(Self.rows)")
            #expect(try await database.scalar("SELECT count(*) FROM observations") == "\(Self.rows - bad)")
            #expect(try await database.scalar("SELECT count(*) FROM quarantine") == "\(bad)")
            #expect(try await database.scalar("SELECT count(DISTINCT line) FROM quarantine") == "\(bad)")
            #expect(try await database.scalar("SELECT count(*) FROM normalized_records") == "\(Self.tickers)")
            // Every unified record is its ticker's newest observation, and nothing is left to publish.
            #expect(
                try await database.scalar(
                    """
                    SELECT count(*) FROM normalized_records n
                    WHERE n.created_at IS DISTINCT FROM (SELECT max(o.observed_at) FROM observations o WHERE o.ticker = n.id)
                    """) == "0")
            #expect(try await database.scalar("SELECT count(*) FROM etl_runs WHERE latest_pending") == "0")
            // The last row of the file is the newest observation of its coin.
            let last = Self.rows % Self.tickers
            #expect(
                try await database.scalar("SELECT market_cap_usd::text FROM normalized_records WHERE id = 'C\(last)'")
                    == "\(1_000_000 + Self.rows)")
        }
    }
}
