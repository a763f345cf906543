import ETLFramework
import ETLTesting
import Foundation
import Testing
import TestSupport

/// The CoinPaprika, CoinGecko and `http_json` sources pass the source suite of `ETLTesting` as
/// full-refresh sources, on recorded answers replayed from loopback.
@Suite struct APIAcceptanceTests {
    static func suite(_ yaml: String, records: Int) throws -> SourceAcceptance {
        let pipeline = try Sources.load(yaml).pipelines[0]
        return SourceAcceptance(
            source: pipeline.source, reading: .fullRefresh, expectedRecords: records, batchSize: 4, logger: TestLog.logger)
    }

    @Test func coinPaprikaPassesTheSourceSuite() async throws {
        let server = FixtureServer()
        server.on("/v1/tickers", try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        try await server.serve { base in
            let report = await try Self.suite(APIAdapterTests.paprika(base), records: 15).run()
            #expect(report.passed, "\(report)")
        }
    }

    @Test func coinGeckoPassesTheSourceSuite() async throws {
        let server = FixtureServer()
        server.on("/api/v3/coins/markets", try .fixture("coingecko-markets-openbb-category-analytics-2022-11-01.json"))
        try await server.serve { base in
            let report = await try Self.suite(APIAdapterTests.gecko(base), records: 16).run()
            #expect(report.passed, "\(report)")
        }
    }
}
