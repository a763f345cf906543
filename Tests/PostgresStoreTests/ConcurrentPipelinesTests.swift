import ETLFramework
import Foundation
import ETLPostgresStore
import Testing
import TestSupport

/// Several pipelines feeding one store at once, on the same tickers, each file in its own order:
/// the product's main use. Every run must succeed, and the result must be the one of the same files
/// loaded one after another.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct ConcurrentPipelinesTests {
    static let tickers = 400
    static let rounds = 20
    static let sources = ["asc", "desc", "shuffled"]

    @Test func pipelinesSharingTickersLoadTogetherAsTheyWouldOneAfterAnother() async throws {
        try await Harness.with { together in
            try await Harness.with { sequential in
                for round in 0..<Self.rounds {
                    for (index, source) in Self.sources.enumerated() {
                        let text = Self.file(source: index, round: round)
                        _ = try together.write("\(source).csv", text)
                        _ = try sequential.write("\(source).csv", text)
                    }
                    let reports = try await withThrowingTaskGroup(of: RunReport.self) { group in
                        for source in Self.sources {
                            group.addTask { try await together.run(source, file: "\(source).csv", batchSize: 100) }
                        }
                        return try await group.reduce(into: [RunReport]()) { $0.append($1) }
                    }
                    for report in reports {
                        #expect(report.status == .success, "round \(round), \(report.pipeline): \(report.message ?? "")")
                        #expect(report.counters.processed == Self.tickers, "round \(round), \(report.pipeline)")
                    }
                    for source in Self.sources {
                        let report = try await sequential.run(source, file: "\(source).csv", batchSize: 100)
                        #expect(report.status == .success)
                    }
                    try #require(try await Self.unified(together) == Self.unified(sequential), "round \(round)")
                }
                #expect(try await Self.history(together) == Self.history(sequential))
                #expect(try await together.count("observations") == Self.rounds * Self.sources.count * Self.tickers)
                // The per-source counts kept by triggers agree with the records.
                for harness in [together, sequential] {
                    #expect(
                        try await harness.database.rows("SELECT source, records::text FROM unified_counts WHERE records > 0 ORDER BY source")
                            == harness.database.rows("SELECT source, count(*)::text FROM normalized_records GROUP BY source ORDER BY source"))
                }
            }
        }
    }

    /// One source's file of a round: every ticker once, observed at a time of its own (so that the
    /// newest observation of an asset does not depend on which batch commits first), in the order of
    /// its source. Even tickers have one name everywhere (one asset row, which all three sources
    /// update); odd ones a name per source (an asset each, the largest market cap holding the
    /// ticker, which moves between sources from round to round).
    static func file(source: Int, round: Int) -> String {
        var order = Array(0..<tickers)
        switch source {
        case 0: break
        case 1: order.reverse()
        default:
            var state = UInt64(round + 1) &* 6_364_136_223_846_793_005
            for index in order.indices.reversed() {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                order.swapAt(index, Int((state >> 33) % UInt64(index + 1)))
            }
        }
        let day = 1 + round / 8, hour = (round % 8) * 3 + source
        let time = String(format: "2025-03-%02dT%02d:00:00Z", day, hour)
        var text = header
        for ticker in order {
            let name = ticker % 2 == 0 ? "Coin \(ticker)" : "Coin \(ticker) \(sources[source])"
            let cap = 1_000 + ((ticker + round + source) % 3) * 100
            text += "T\(ticker),\(name),\(round + 1).\(source)\(ticker % 10),\(cap),10,1,\(time)\n"
        }
        return text
    }

    static func unified(_ harness: Harness) async throws -> [[String?]] {
        try await harness.database.rows(
            """
            SELECT id, source, source_asset_id, name, price_usd::text, market_cap_usd::text, created_at::text
            FROM normalized_records ORDER BY id
            """)
    }

    static func history(_ harness: Harness) async throws -> [[String?]] {
        try await harness.database.rows(
            """
            SELECT s.source, o.ticker, o.observed_at::text, o.price_usd::text FROM observations o
            JOIN source_assets s ON s.id = o.asset_ref ORDER BY 1, 2, 3
            """)
    }
}
