import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

@testable import Server
import StandardPlugins

let sampleFiles: [(String, String)] = [
    (
        "alpha",
        APIHarness.header
            + "BTC,Bitcoin,43250.5,846000000000,21000000000,1.85,2025-12-10T12:00:00Z\n"
            + "ETH,Ethereum,2275.5,273000000000,10000000000,-0.72,2025-12-10T12:00:00Z\n"
            + "PEPE,Pepe,0.000000001234,519000000,98000000,12.5,2025-12-11T12:00:00Z\n"
    ),
    (
        "beta",
        APIHarness.header
            + "SOL,Solana,71.23,31000000000,2300000000,3.41,2025-12-12T12:00:00Z\n"
            + "ETH,Ethereum,2280,273500000000,10000000000,-0.5,2025-12-09T12:00:00Z\n"
            + "bad,,-1,,,,2025-12-12T12:00:00Z\n"
    ),
]

/// On every store (SQLite needs no server; PostgreSQL when TEST_DATABASE_URL is set).
@Suite struct DataAPITests {
    @Test(arguments: StoreKind.available)
    func dataHasTheSpecShapeInTickerOrder(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let answer = try await client.json("/data")
            #expect(answer.status == .ok)
            let data = try #require(answer.body["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == ["BTC", "ETH", "PEPE", "SOL"])
            #expect(data.allSatisfy { $0["id"] as? String == $0["ticker"] as? String })
            #expect(answer.body[path: "pagination.total"] as? Int == 4)
            #expect(answer.body[path: "pagination.returned"] as? Int == 4)
            #expect(answer.body[path: "pagination.limit"] as? Int == 50)
            #expect(answer.body[path: "pagination.offset"] as? Int == 0)
            #expect(answer.body[path: "meta.request_id"] as? String == answer.headers[HTTPField.Name("X-Request-Id")!])
            #expect(answer.body[path: "meta.api_latency_ms"] is Double)
            // ETH from beta is older, so alpha's newer observation holds the ticker.
            #expect(data[1]["source"] as? String == "alpha")
            #expect(data[1]["price_usd"] as? Double == 2275.5)
        }
    }

    @Test(arguments: StoreKind.available)
    func tinyPricesAreServedAsExactNumberLiterals(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let text = try await client.execute(uri: "/data/pepe", method: .get) { String(buffer: $0.body) }
            #expect(text.contains("\"price_usd\":0.000000001234,"))
        }
    }

    @Test(arguments: StoreKind.available)
    func filtersBySourceTickerAndDates(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let cases: [(String, [String])] = [
                ("/data?source=beta", ["SOL"]), ("/data?ticker=eth", ["ETH"]), ("/data?ticker=%20btc%20", ["BTC"]),
                ("/data?start_date=2025-12-11", ["PEPE", "SOL"]), ("/data?end_date=2025-12-10T23:59:59", ["BTC", "ETH"]),
                ("/data?start_date=2025-12-11T13:00:00%2B01:00&end_date=2025-12-11T12:00:00Z", ["PEPE"]),
                ("/data?source=nobody", []),
            ]
            for (uri, expected) in cases {
                let answer = try await client.json(uri)
                #expect(answer.status == .ok, "\(uri): \(answer.body)")
                let ids = (answer.body["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(ids == expected, "\(uri)")
                #expect(answer.body[path: "pagination.total"] as? Int == expected.count, "\(uri)")
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func aDateAloneMeansTheWholeDayOnDataAndHistory(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let cases: [(String, [String])] = [
                ("/data?start_date=2025-12-11&end_date=2025-12-11", ["PEPE"]),
                ("/data?end_date=2025-12-10", ["BTC", "ETH"]),
                ("/data?start_date=2025-12-12&end_date=2025-12-12", ["SOL"]),
                ("/data?end_date=2025-12-10T12:00:00Z", ["BTC", "ETH"]),  // a date-time stays an exact, inclusive bound
                ("/data?end_date=2025-12-10T11:59:59.999Z", []),
                ("/data?start_date=2025-12-12&end_date=2025-12-10", []),  // reversed: nothing falls in it
            ]
            for (uri, expected) in cases {
                let answer = try await client.json(uri)
                let ids = (answer.body["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(ids == expected, "\(uri)")
            }
            let day = try await client.json("/data/ETH/history?start_date=2025-12-09&end_date=2025-12-09")
            let points = try #require(day.body["data"] as? [[String: Any]])
            #expect(points.map { $0["observed_at"] as? String } == ["2025-12-09T12:00:00.000Z"])
            let btc = try await client.json("/data/BTC")
            #expect(btc.body[path: "data.created_at"] as? String == "2025-12-10T12:00:00.000Z")
        }
    }

    @Test(arguments: StoreKind.available)
    func aHugeDashboardPageIsA400NotACrash(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            var headers = HTTPFields()
            headers[.accept] = "text/html"
            let huge = try await client.json("/?page=9223372036854775807", headers: headers)
            #expect(huge.status == .badRequest)
            #expect(huge.headers[.contentType]?.hasPrefix("text/html") == true)  // a page for a browser
            #expect((huge.body["<raw>"] as? String)?.contains("page: must be an integer between 1 and 1000000") == true)
            let json = try await client.json("/data?offset=9223372036854775807")
            #expect(json.status == .badRequest && json.body[path: "error.code"] as? String == "invalid_parameter")
            let last = try await client.json("/?page=1000000", headers: headers)
            #expect(last.status == .ok)
        }
    }

    @Test(arguments: StoreKind.available)
    func clientsWrittenAgainstTheSpecKeepWorking(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            // Unknown parameters (a cache buster, a probe's own) are ignored and named in meta.
            let busted = try await client.json("/data?ticker=btc&_=1712345678&tickr=x")
            #expect(busted.status == .ok)
            #expect(busted.body[path: "pagination.total"] as? Int == 1)
            #expect(busted.body[path: "meta.ignored_parameters"] as? [String] == ["_", "tickr"])
            #expect(try await client.json("/health?x=1").status == .ok)
            // A NUL character matches nothing stored: an empty answer, not a 500.
            for uri in ["/data?ticker=%00", "/runs?pipeline=a%00b", "/data/BTC/history?source=%00"] {
                let empty = try await client.json(uri)
                #expect(empty.status == .ok && empty.body[path: "pagination.total"] as? Int == 0, "\(uri)")
            }
            #expect(try await client.json("/data/%00").status == .notFound)
            // `+` is a space, as Python's urlencode sends it; " btc " finds BTC.
            let plus = try await client.json("/data?ticker=+btc+&start_date=2025-12-10+12:00:00")
            #expect((plus.body["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["BTC"], "\(plus.body)")
            // The same query spelled two ways is one cache entry and one answer.
            #expect(try await client.json("/data?ticker=BTC").body[path: "pagination.total"] as? Int == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func pathParametersArePercentDecodedAndDashboardLinksEncoded(kind: StoreKind) async throws {
        let odd = [("odd", APIHarness.header + "<I>,Angle Coin,1.5,10,1,1,2025-12-10T12:00:00Z\nA/B,Slash Coin,2.5,10,1,1,2025-12-10T12:00:00Z\n")]
        try await APIHarness.with(kind, files: odd) { _, client in
            #expect(try await client.json("/data/%3CI%3E").body[path: "data.id"] as? String == "<I>")
            #expect(try await client.json("/data/A%2FB").body[path: "data.id"] as? String == "A/B")
            #expect(try await client.json("/data/A%2FB/history").body[path: "pagination.total"] as? Int == 1)
            var headers = HTTPFields()
            headers[.accept] = "text/html"
            let page = try await client.json("/", headers: headers).body["<raw>"] as? String ?? ""
            #expect(page.contains("href=\"/dashboard/%3CI%3E\""), "\(page.prefix(3000))")
            #expect(page.contains("href=\"/dashboard/A%2FB\""))
            #expect(try await client.json("/dashboard/A%2FB", headers: headers).status == .ok)
        }
    }

    @Test(arguments: StoreKind.available)
    func aWrongMethodIsA405NamingTheAllowedOnes(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let trace = try await client.json("/health", method: .trace)
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers[.allow] == "GET, HEAD")
            #expect(trace.body[path: "error.code"] as? String == "method_not_allowed")
            let get = try await client.json("/trigger-etl")
            #expect(get.status == .methodNotAllowed && get.headers[.allow] == "POST")
            #expect(try await client.json("/data/BTC", method: .delete).headers[.allow] == "GET, HEAD")
            #expect(try await client.json("/nowhere").status == .notFound)
        }
    }

    @Test(arguments: StoreKind.available)
    func answersCarrySecurityAndCachingHeaders(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let json = try await client.json("/data")
            #expect(json.headers[.cacheControl] == "no-cache")
            #expect(json.headers[.xContentTypeOptions] == "nosniff")
            var headers = HTTPFields()
            headers[.accept] = "text/html"
            let html = try await client.json("/", headers: headers)
            #expect(html.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(html.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(html.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(html.headers[.xContentTypeOptions] == "nosniff")
        }
    }

    @Test(arguments: StoreKind.available)
    func pagesAreStableAndCounted(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let first = try await client.json("/data?limit=3")
            let second = try await client.json("/data?limit=3&offset=3")
            #expect((first.body["data"] as? [Any])?.count == 3)
            #expect((second.body["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["SOL"])
            #expect(second.body[path: "pagination.total"] as? Int == 4)
            #expect(second.body[path: "pagination.returned"] as? Int == 1)
            let beyond = try await client.json("/data?offset=100")
            #expect((beyond.body["data"] as? [Any])?.isEmpty == true)
            #expect(beyond.body[path: "pagination.total"] as? Int == 4)
        }
    }

    /// Validation never reaches the store: every case shares one loaded database per store.
    @Test(arguments: StoreKind.available)
    func invalidParametersAreA400NamingTheParameter(kind: StoreKind) async throws {
        let cases: [(uri: String, parameter: String)] = [
            ("/data?limit=0", "limit"), ("/data?limit=201", "limit"), ("/data?limit=ten", "limit"), ("/data?offset=-1", "offset"),
            ("/data?start_date=yesterday", "start_date"), ("/data?end_date=2025-13-01", "end_date"),
            ("/data?ticker=BTC&ticker=ETH", "ticker"),
            ("/data?source=%20", "source"),
            ("/data?source=", "source"), ("/data/BTC/history?limit=500", "limit"), ("/runs?status=weird", "status"),
            ("/runs/abc", "id"),

        ]
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            for (uri, parameter) in cases {
                let answer = try await client.json(uri)
                #expect(answer.status == .badRequest, "\(uri)")
                #expect(answer.body[path: "error.code"] as? String == "invalid_parameter", "\(uri)")
                #expect((answer.body[path: "error.message"] as? String)?.hasPrefix("\(parameter): ") == true, "\(uri): \(answer.body)")
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func oneTickerAndItsHistory(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { harness, client in
            let record = try await client.json("/data/btc")
            #expect(record.status == .ok)
            #expect(record.body[path: "data.id"] as? String == "BTC")
            let missing = try await client.json("/data/NOPE")
            #expect(missing.status == .notFound)
            #expect(missing.body[path: "error.code"] as? String == "not_found")

            let history = try await client.json("/data/ETH/history")
            let points = try #require(history.body["data"] as? [[String: Any]])
            #expect(points.map { $0["source"] as? String } == ["alpha", "beta"])  // newest first
            #expect(history.body[path: "pagination.total"] as? Int == 2)
            let filtered = try await client.json("/data/ETH/history?source=beta&end_date=2025-12-09T23:00:00Z")
            #expect((filtered.body["data"] as? [[String: Any]])?.map { $0["price_usd"] as? Double } == [2280])
            let empty = try await client.json("/data/ETH/history?start_date=2030-01-01")
            #expect(empty.body[path: "pagination.total"] as? Int == 0)
            _ = harness
        }
    }

    @Test(arguments: StoreKind.available)
    func requestIDsAreEchoedOrMade(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let echoed = try await client.json("/data", headers: [HTTPField.Name("X-Request-Id")!: "abc-123"])
            #expect(echoed.headers[HTTPField.Name("X-Request-Id")!] == "abc-123")
            #expect(echoed.body[path: "meta.request_id"] as? String == "abc-123")
            let made = try await client.json("/nowhere")
            #expect(made.status == .notFound)
            #expect(made.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
        }
    }
}
