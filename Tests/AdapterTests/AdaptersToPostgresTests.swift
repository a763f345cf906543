import ETLFramework
import Foundation
import ETLPostgresStore
import Testing
import TestSupport

/// All three kinds of pipeline into one real PostgreSQL, through the real runner and store.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct AdaptersToPostgresTests {
    /// Derived page: the 16 recorded analytics rows plus the recorded bitcoin row from the other file.
    static func geckoPage() throws -> [UInt8] {
        let analytics = try Data(contentsOf: Paths.fixture("coingecko-markets-openbb-category-analytics-2022-11-01.json"))
        let bitcoin = try Data(contentsOf: Paths.fixture("coingecko-markets-jkorf-2024-04-07.json"))
        let rows = (try JSONSerialization.jsonObject(with: analytics) as! [Any]) + (try JSONSerialization.jsonObject(with: bitcoin) as! [Any])
        return Array(try JSONSerialization.data(withJSONObject: rows))
    }

    static func pipelines(_ base: String, csv: URL) throws -> [Pipeline] {
        try Sources.load(
            """
            pipelines:
              - {name: coinpaprika, source: {type: coinpaprika, base_url: "\(base)/v1", http: {requests_per_minute: 600}}}
              - {name: coingecko, source: {type: coingecko, base_url: "\(base)/api/v3", per_page: 250, http: {requests_per_minute: 600}}}
              - {name: csv, source: {type: csv, path: "\(csv.path)"}}
            """
        ).pipelines
    }

    static func serve(_ body: @Sendable (String) async throws -> Void) async throws {
        let server = FixtureServer()
        server.on("/v1/tickers", try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        server.on("/api/v3/coins/markets", .json(try geckoPage()))
        try await server.serve(body)
    }

    @Test func threeSourcesMakeOneRecordPerTickerWithExactTinyPrices() async throws {
        try await Self.serve { base in
            try await TestDatabase.with { database in
                try await database.withStore { store in
                    let csv = Paths.packageRoot.appendingPathComponent("data/sample.csv")
                    let runner = PipelineRunner(store: store)
                    for pipeline in try Self.pipelines(base, csv: csv) {
                        let report = try await runner.run(pipeline, trigger: .cli, logger: TestLog.logger)
                        #expect(report.status == .success, "\(pipeline.name): \(report.message ?? "")")
                    }
                    let btc = try await store.unifiedRecords(RecordQuery(ticker: "BTC"), logger: TestLog.logger)
                    #expect(btc.total == 1)
                    #expect(btc.items.first?.id == "BTC")
                    #expect(btc.items.first?.source == "csv")  // the newest observation of the same asset
                    let history = try await store.history(HistoryQuery(ticker: "BTC"), logger: TestLog.logger)
                    #expect(Set(history.items.map(\.source)) == ["csv", "coinpaprika", "coingecko"])
                    let dobo = try await store.unifiedRecord(ticker: "DOBO", logger: TestLog.logger)
                    #expect(dobo?.priceUSD == "0.000000010904")  // 1.0904e-08 in the recorded answer
                    #expect(dobo?.sourceAssetID == "dogebonk")

                    // Polling an unchanged API writes nothing new.
                    let rawBefore = try await database.scalar("SELECT count(*) FROM raw_records")
                    let again = try await runner.run(try Self.pipelines(base, csv: csv)[0], trigger: .cli, logger: TestLog.logger)
                    #expect(again.counters == RunCounters(processed: 0, quarantined: 0, skipped: 15))
                    #expect(try await database.scalar("SELECT count(*) FROM raw_records") == rawBefore)
                }
            }
        }
    }

    @Test(arguments: [false, true])
    func aTickerSharedByTwoAssetsGoesToTheLargerInEitherOrder(csvFirst: Bool) async throws {
        // Derived: a CSV row reusing CoinPaprika's SOL symbol for another, much smaller asset.
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("other.csv")
        try
            ("symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"
            + "SOL,Solana Wormhole,0.5,1500000,20000,1.0,2025-12-10T12:00:00Z\n").write(to: csv, atomically: true, encoding: .utf8)
        try await Self.serve { base in
            try await TestDatabase.with { database in
                try await database.withStore { store in
                    let all = try Self.pipelines(base, csv: csv)
                    let order = csvFirst ? [all[2], all[0]] : [all[0], all[2]]
                    for pipeline in order { _ = try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: TestLog.logger) }
                    let sol = try await store.unifiedRecord(ticker: "SOL", logger: TestLog.logger)
                    #expect(sol?.source == "coinpaprika")
                    #expect(sol?.sourceAssetID == "sol-solana")
                    #expect(try await database.scalar("SELECT count(*) FROM assets WHERE ticker = 'SOL'") == "2")
                }
            }
        }
    }
}
