import ETLFramework
import Foundation
@testable import HTTPSourceKit
import Testing
import TestSupport

/// The CoinPaprika and CoinGecko adapters (and `http_json`) against recorded answers replayed by a
/// local server. Cases the recordings do not hold are derived from them, and say so.
@Suite struct APIAdapterTests {
    static func paprika(_ base: String, extra: String = "") -> String {
        "pipelines:\n  - {name: coinpaprika, source: {type: coinpaprika, base_url: \"\(base)/v1\"\(extra)}}\n"
    }

    static func gecko(_ base: String, extra: String = "") -> String {
        "pipelines:\n  - {name: coingecko, source: {type: coingecko, base_url: \"\(base)/api/v3\"\(extra)}}\n"
    }

    static func geckoItems() throws -> [String] {
        let data = try Data(contentsOf: Paths.fixture("coingecko-markets-openbb-category-analytics-2022-11-01.json"))
        let array = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return try array.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
    }

    @Test func coinPaprikaTickersAreNormalizedExactly() async throws {
        let server = FixtureServer()
        server.on("/v1/tickers", try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        try await server.serve { base in
            let read = try await Sources.read(try Sources.load(Self.paprika(base)).pipelines[0])
            #expect(read.quotes.count == 15 && read.rejections.isEmpty)
            let btc = try #require(read.quotes.first { $0.ticker == "BTC" })
            #expect(btc.sourceAssetID == "btc-bitcoin")
            #expect(btc.rank == 1)
            #expect(btc.name == "Bitcoin")
            #expect(read.quotes.first { $0.ticker == "SHIB" }?.priceUSD.description == "0.000027923933404345")
            #expect(server.requests == ["/v1/tickers?quotes=USD"])
            #expect(read.summary == nil)
        }
    }

    @Test func coinPaprikaLimitKeepsTheBestRanked() async throws {
        let server = FixtureServer()
        server.on("/v1/tickers", try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        try await server.serve { base in
            let read = try await Sources.read(try Sources.load(Self.paprika(base, extra: ", limit: 3")).pipelines[0])
            #expect(read.quotes.map(\.rank) == [1, 2, 3])
        }
    }

    @Test func coinGeckoPagesStopAtAShortPageAndDropDuplicates() async throws {
        // Derived: the 16 recorded rows split into pages of 10, page 2 repeating page 1's last coin
        // (as the recorded page 2 of CoinGecko repeated bitcoin).
        let items = try Self.geckoItems()
        let page1 = "[" + items[0..<10].joined(separator: ",") + "]"
        let page2 = "[" + ([items[9]] + items[10...]).joined(separator: ",") + "]"
        let server = FixtureServer()
        server.on("/api/v3/coins/markets", .json(Array(page1.utf8)), .json(Array(page2.utf8)))
        try await server.serve { base in
            let read = try await Sources.read(try Sources.load(Self.gecko(base, extra: ", pages: 3, per_page: 10")).pipelines[0])
            #expect(server.requests.count == 2)
            #expect(server.requests.first?.contains("page=1") == true && server.requests.first?.contains("per_page=10") == true)
            #expect(read.raw.count == 16)
            #expect(read.quotes.count == 16)
            #expect(Set(read.quotes.map(\.ticker)).count == 16)
            #expect(read.quotes.first { $0.ticker == "GRT" }?.sourceAssetID == "the-graph")
            let tiny = read.quotes.compactMap { $0.priceUSD.description.hasPrefix("0.0000000") ? $0 : nil }
            #expect(tiny.map(\.priceUSD.description).contains("0.000000010904"))
            let moons = try #require(read.quotes.first { $0.ticker == "MOONS" })
            #expect(moons.marketCapUSD?.description == "0" && moons.rank == nil)
        }
    }

    @Test func a429WithRetryAfterIsWaitedOut() async throws {
        let server = FixtureServer()
        server.on(
            "/v1/tickers",
            .json(
                Array(try Data(contentsOf: Paths.fixture("coingecko-error-429-rate-limit-2022.json"))), status: .tooManyRequests,
                headers: [("Retry-After", "1")]),
            try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        try await server.serve { base in
            let started = ContinuousClock.now
            let read = try await Sources.read(try Sources.load(Self.paprika(base)).pipelines[0])
            #expect(read.quotes.count == 15)
            #expect(server.requests.count == 2)
            #expect(ContinuousClock.now - started >= .seconds(1))
        }
    }

    @Test func aRetryAfterBeyondTheCeilingFailsAtOnce() async throws {
        let server = FixtureServer()
        server.on(
            "/v1/tickers",
            .json(
                Array(try Data(contentsOf: Paths.fixture("coingecko-error-429-rate-limit-2022.json"))), status: .tooManyRequests,
                headers: [("Retry-After", "119")]))
        try await server.serve { base in
            let message = await Self.failure(Self.paprika(base))
            #expect(message?.hasPrefix("127.0.0.1 answered 429: 429 Too Many Requests: You've exceeded the Rate Limit") == true, "\(message ?? "")")
            #expect(message?.hasSuffix("(Retry-After 119.0 seconds exceeds the 60.0 seconds ceiling)") == true, "\(message ?? "")")
            #expect(server.requests.count == 1)
        }
    }

    @Test func requestsCarryAUserAgentGzipAndTheKeyHeaderOfThePlan() async throws {
        let server = FixtureServer()
        server.on("/api/v3/coins/markets", .json(Array("[]".utf8)))
        server.on("/v1/tickers", .json(Array("[]".utf8)))
        try await server.serve { base in
            _ = try await Sources.read(try Sources.load(Self.gecko(base, extra: ", api_key: k-123, plan: pro")).pipelines[0])
            #expect(server.lastHeaders["x-cg-pro-api-key"] == "k-123")
            #expect(server.lastHeaders["x-cg-demo-api-key"] == nil)
            #expect(server.lastHeaders["User-Agent"]?.hasPrefix("kasparro-etl/") == true)
            #expect(server.lastHeaders["Accept-Encoding"] == "gzip")
            _ = try await Sources.read(try Sources.load(Self.paprika(base, extra: ", api_key: p-456")).pipelines[0])
            #expect(server.lastHeaders["Authorization"] == "p-456")
        }
    }

    @Test func retryAfterTakesSecondsOrAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.delay("7", now: now) == .seconds(7))
        #expect(RetryAfter.delay("Tue, 14 Nov 2023 22:13:40 GMT", now: now) == .seconds(20))
        #expect(RetryAfter.delay("soon", now: now) == nil)
    }

    @Test func serverErrorsAreRetried() async throws {
        let server = FixtureServer()
        server.on(
            "/v1/tickers", .json(Array("oops".utf8), status: .internalServerError), .json(Array("{}".utf8), status: .internalServerError),
            try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        try await server.serve { base in
            let read = try await Sources.read(try Sources.load(Self.paprika(base)).pipelines[0])
            #expect(read.quotes.count == 15)
            #expect(server.requests.count == 3)
        }
    }

    static func failure(_ yaml: String) async -> String? {
        do {
            _ = try await Sources.read(try Sources.load(yaml).pipelines[0])
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aHangPastTheReadTimeoutFailsWithAClearMessage() async throws {
        let server = FixtureServer()
        server.on("/v1/tickers", .hang(.seconds(5)))
        try await server.serve { base in
            let message = await Self.failure(Self.paprika(base, extra: ", http: {read_timeout: 1s, attempts: 2}"))
            #expect(message == "cannot reach 127.0.0.1 after 2 attempts: no answer within 1.0 seconds")
        }
    }

    @Test func truncatedJSONIsRetriedThenReported() async throws {
        let whole = Array(try Data(contentsOf: Paths.fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json")))
        let server = FixtureServer()
        server.on("/v1/tickers", .json(Array(whole.prefix(whole.count / 2))))
        try await server.serve { base in
            let message = await Self.failure(Self.paprika(base, extra: ", http: {attempts: 2}"))
            #expect(
                message?.hasPrefix("127.0.0.1 answered 200 after 2 attempts: the answer is not complete JSON (invalid JSON at byte") == true,
                "\(message ?? "")")
        }
    }

    @Test func errorAnswersInEveryShapeBecomeTheRunMessage() async throws {
        // Derived from SOURCES.md: 429s have also come back as Cloudflare HTML pages.
        let html =
            "<!DOCTYPE html><html><head><title>Access denied | api.coingecko.com used Cloudflare to restrict access</title></head><body>...</body></html>"
        let server = FixtureServer()
        server.on("/api/v3/coins/markets", .body(status: .tooManyRequests, bytes: Array(html.utf8), contentType: "text/html", headers: []))
        server.on("/v1/tickers", .json(Array(#"{"error":"coin not found"}"#.utf8), status: .notFound))
        try await server.serve { base in
            let gecko = await Self.failure(Self.gecko(base, extra: ", http: {attempts: 1}"))
            #expect(
                gecko
                    == "127.0.0.1 answered 429: 429 Too Many Requests: HTML page \"Access denied | api.coingecko.com used Cloudflare to restrict access\""
            )
            let paprika = await Self.failure(Self.paprika(base))
            #expect(paprika == "127.0.0.1 answered 404: 404 Not Found: coin not found")
            #expect(server.requests.filter { $0.hasPrefix("/v1") }.count == 1)  // a 404 is not retried
        }
    }

    @Test func anUnreachableHostFailsAfterItsRetries() async throws {
        let message = await Self.failure(
            "pipelines:\n  - {name: p, source: {type: coinpaprika, base_url: \"http://127.0.0.1:9/v1\", http: {attempts: 2, connect_timeout: 1s}}}\n")
        #expect(message == "cannot reach 127.0.0.1 after 2 attempts: connection refused")
    }

    @Test func aMissingPriceAndAStringForANumberAreQuarantinedNamingTheField() async throws {
        // Derived: two recorded CoinGecko rows, one without current_price, one with market_cap as a string.
        var items = try Self.geckoItems()
        items[0] = items[0].replacingOccurrences(of: #""current_price":"#, with: #""current_price_removed":"#)
        items[1] = items[1].replacingOccurrences(of: #""market_cap":45906856"#, with: #""market_cap":"45906856""#)
        let server = FixtureServer()
        server.on("/api/v3/coins/markets", .json(Array(("[" + items[0..<3].joined(separator: ",") + "]").utf8)))
        try await server.serve { base in
            let read = try await Sources.read(try Sources.load(Self.gecko(base)).pipelines[0])
            #expect(read.quotes.count == 1)
            #expect(
                read.rejections.map(\.reason).sorted()
                    == [
                        "current_price is missing", "market_cap must be a number, got a string",
                    ].map { $0 == "current_price is missing" ? "required field current_price is missing" : $0 }.sorted())
            #expect(Set(read.rejections.compactMap(\.field)) == ["price_usd", "market_cap_usd"])
            #expect(read.raw.count == 3)  // every payload is kept raw
            #expect(read.summary?.contains("missing current_price (1 records)") == true, "\(read.summary ?? "")")
            #expect(read.summary?.contains("new fields current_price_removed") == true)
        }
    }

    /// What is unchanged is decided after the transforms, by the store (AdaptersToPostgresTests
    /// counts the second poll as 15 skipped), so the source hands every record out again.
    @Test func aSecondPollHandsOutEveryRecordForTheStoreToSettle() async throws {
        let server = FixtureServer()
        server.on("/v1/tickers", try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        try await server.serve { base in
            let pipeline = try Sources.load(Self.paprika(base)).pipelines[0]
            let first = try await Sources.read(pipeline)
            let second = try await Sources.read(pipeline, from: first.checkpoint)
            #expect(second.raw.count == 15)
            #expect(second.skipped == 0)
            #expect(second.quotes.map(\.observedAt) == first.quotes.map(\.observedAt))
            #expect(second.summary == nil, "no drift between two equal answers: \(second.summary ?? "")")
        }
    }

    @Test func httpJSONWithAMappingReadsCoinPaprikaLikeTheAdapter() async throws {
        let server = FixtureServer()
        server.on("/v1/tickers", try .fixture("coinpaprika-tickers-chainlink-readme-2021-10-22.json"))
        try await server.serve { base in
            let generic = try Sources.load(
                """
                pipelines:
                  - name: coinpaprika
                    source:
                      type: http_json
                      url: "\(base)/v1/tickers?quotes=USD"
                      records: ""
                      id: id
                      mapping:
                        ticker: symbol
                        name: name
                        price_usd: quotes.USD.price
                        market_cap_usd: quotes.USD.market_cap
                        volume_24h_usd: quotes.USD.volume_24h
                        percent_change_24h: quotes.USD.percent_change_24h
                        rank: rank
                        observed_at: last_updated
                """
            ).pipelines[0]
            let dedicated = try Sources.load(Self.paprika(base)).pipelines[0]
            let a = try await Sources.read(generic), b = try await Sources.read(dedicated)
            #expect(a.quotes.count == 15)
            #expect(a.quotes.map(\.comparable) == b.quotes.map(\.comparable))
        }
    }
}

extension Quote {
    /// Every unified value, for comparing two reads.
    var comparable: String {
        [
            ticker, name ?? "", priceUSD.description, marketCapUSD?.description ?? "", volume24hUSD?.description ?? "",
            percentChange24h?.description ?? "", rank.map(String.init) ?? "", "\(observedAt.timeIntervalSince1970)",
            sourceAssetID, assetKey,
        ].joined(separator: "|")
    }
}
