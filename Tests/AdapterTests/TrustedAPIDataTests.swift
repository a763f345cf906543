import ETLFramework
import Foundation
import ETLPostgresStore
import Testing
import TestSupport

/// API data that must not load wrong while looking right: a mapping naming a field no record has,
/// a NUL character in a string, schema drift that is only news when the fields change.
@Suite struct TrustedAPIDataTests {
    /// Derived: the recorded CoinGecko analytics rows, changed by `edit` (each row as JSON text).
    static func geckoPage(_ edit: (inout [String]) -> Void = { _ in }) throws -> [UInt8] {
        var items = try APIAdapterTests.geckoItems()
        edit(&items)
        return Array(("[" + items.joined(separator: ",") + "]").utf8)
    }

    @Test func driftIsReportedWhenTheFieldsChangeNotOnEveryRun() async throws {
        let server = FixtureServer()
        // Derived: the recorded rows, then the same rows with one nested field added to every roi
        // object and the top-level ath_date gone (wherever the re-serialized row put it).
        let changed = try Self.geckoPage { items in
            items = items.map {
                $0.replacingOccurrences(of: #""roi":{"#, with: #""roi":{"basis":"usd","#)
                    .replacingOccurrences(of: #"(,"ath_date":"[^"]*")|("ath_date":"[^"]*",)"#, with: "", options: .regularExpression)
            }
        }
        server.on("/api/v3/coins/markets", .json(try Self.geckoPage()), .json(try Self.geckoPage()), .json(changed))
        try await server.serve { base in
            let pipeline = try Sources.load(APIAdapterTests.gecko(base)).pipelines[0]
            let first = try await Sources.read(pipeline)
            let second = try await Sources.read(pipeline, from: first.checkpoint)
            #expect(second.summary == nil, "an unchanged field set is no news: \(second.summary ?? "")")
            let third = try await Sources.read(pipeline, from: second.checkpoint)
            let summary = try #require(third.summary)
            #expect(summary.contains("new fields since the last run roi.basis"), "\(summary)")
            #expect(summary.contains("fields gone since the last run ath_date"), "\(summary)")
            #expect(!summary.contains("price_change_percentage"), "\(summary)")
        }
    }

    @Test(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set"))
    func aMappedFieldNoRecordHasFailsTheRunBeforeWriting() async throws {
        let server = FixtureServer()
        server.on("/v1/tickers", try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        try await server.serve { base in
            let pipeline = try Sources.load(
                """
                pipelines:
                  - name: paprika
                    source:
                      type: http_json
                      url: "\(base)/v1/tickers"
                      id: id
                      mapping: {ticker: symbol, price_usd: quotes.USD.price, volume_24h_usd: quotes.USD.volume_24hr}
                """
            ).pipelines[0]
            try await TestDatabase.with { database in
                try await database.withStore { store in
                    let report = try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: TestLog.logger)
                    #expect(report.status == .failed)
                    let message = try #require(report.message)
                    #expect(message.hasPrefix("nothing written: mapping key volume_24h_usd names \"quotes.USD.volume_24hr\""), "\(message)")
                    #expect(message.contains("(nearest: \"quotes.USD.volume_24h\")"), "\(message)")
                    #expect(try await database.scalar("SELECT count(*) FROM raw_records") == "0")
                    #expect(try await store.checkpoint(for: "paprika", logger: TestLog.logger) == nil)
                }
            }
        }
    }

    @Test(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set"))
    func aNULInAJSONStringQuarantinesThatRecordAlone() async throws {
        // Derived: the recorded rows, the second one's name holding an escaped NUL character.
        let page = try Self.geckoPage { items in
            items[1] = items[1].replacingOccurrences(of: #""name":""#, with: #""name":"bad\u0000"#)
        }
        let server = FixtureServer()
        server.on("/api/v3/coins/markets", .json(page))
        try await server.serve { base in
            let pipeline = try Sources.load(APIAdapterTests.gecko(base)).pipelines[0]
            try await TestDatabase.with { database in
                try await database.withStore { store in
                    let report = try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: TestLog.logger)
                    #expect(report.status == .success, "\(report.message ?? "")")
                    #expect(report.counters.quarantined == 1)
                    #expect(report.counters.processed == 15)
                    let rows = try await database.rows("SELECT field, reason, (raw LIKE '%\\\\u0000%')::text FROM quarantine")
                    #expect(rows == [["name", "name contains a NUL character (U+0000), which the store cannot hold", "true"]])
                }
            }
        }
    }
}
