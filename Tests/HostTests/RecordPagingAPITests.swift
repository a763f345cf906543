import CSVFileAdapter
import ETLFramework
import Foundation
import HummingbirdTesting
import Testing
import TestSupport

@testable import Server
import StandardPlugins

/// `GET /data` paged by cursor and by deep offsets, on every store.
@Suite struct RecordPagingAPITests {
    static func tickers(_ prefix: String, _ range: Range<Int>) -> String {
        range.map { "\(prefix)\(String(format: "%03d", $0)),Coin \(prefix)\($0),\($0 + 1),\(1000 + $0),1,1,2025-01-01T00:00:00Z\n" }.joined()
    }

    @Test(arguments: StoreKind.available)
    func theNextCursorWalksEveryRecordOnceAndMistakesAreRefused(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            var ids: [String] = []
            var uri = "/data?limit=3"
            while true {
                let answer = try await client.json(uri)
                #expect(answer.status == .ok)
                ids += (answer.body["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(answer.body[path: "pagination.total"] as? Int == 4)
                if uri.contains("cursor") { #expect(answer.body[path: "pagination.offset"] is NSNull) }
                guard let next = answer.body[path: "pagination.next"] as? String else {
                    #expect(answer.body[path: "pagination.next"] is NSNull)
                    break
                }
                uri = "/data?limit=3&cursor=\(next)"
            }
            #expect(ids == ["BTC", "ETH", "PEPE", "SOL"])
            let first = try await client.json("/data?limit=2")
            let cursor = try #require(first.body[path: "pagination.next"] as? String)
            // With a cursor, `offset` skips records after it.
            let both = try await client.json("/data?cursor=\(cursor)&offset=1")
            #expect((both.body["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["SOL"])
            #expect(both.body[path: "pagination.offset"] is NSNull)
            for bad in ["nonsense!", "QkFE", "", "azE6" + String(repeating: "A", count: 1200)] {
                let answer = try await client.json("/data?cursor=\(bad)")
                #expect(answer.status == .badRequest, "cursor \(bad.prefix(20))")
            }
            // A cursor with a filter: the records after it that match.
            let filtered = try await client.json("/data?source=alpha&cursor=\(RecordCursor.encode(after: "BTC"))")
            #expect((filtered.body["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["ETH", "PEPE"])
            #expect(filtered.body[path: "pagination.total"] as? Int == 3)
            // A cursor with a ticker: that ticker if it sorts after the cursor.
            let eth = try await client.json("/data?ticker=eth&cursor=\(RecordCursor.encode(after: "BTC"))")
            #expect((eth.body["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["ETH"])
            let none = try await client.json("/data?ticker=eth&cursor=\(RecordCursor.encode(after: "ETH"))")
            #expect((none.body["data"] as? [[String: Any]])?.isEmpty == true)
            #expect(none.body[path: "pagination.total"] as? Int == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func deepOffsetsStayExactWhenTickersArriveBeforeThem(kind: StoreKind) async throws {
        let file = APIHarness.header + Self.tickers("T", 0..<400)
        try await APIHarness.with(kind, files: [("alpha", file)]) { harness, client in
            func ids(_ uri: String) async throws -> [String] {
                let answer = try await client.json(uri)
                #expect(answer.status == .ok)
                return (answer.body["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await ids("/data?limit=5&offset=300") == (300..<305).map { "T\($0)" })
            #expect(try await ids("/data?limit=5&offset=399") == ["T399"])
            #expect(try await ids("/data?limit=5&offset=400") == [])
            #expect(harness.api.recordPages.marks.count == 1)

            // Fifty tickers that sort before every T arrive: each deep page moves by fifty.
            let path = harness.directory.appendingPathComponent("alpha.csv")
            try Data((file + Self.tickers("A", 0..<50)).utf8).write(to: path)
            let pipeline = try #require(harness.controller.pipelines.first)
            _ = try await PipelineRunner(store: harness.store).run(pipeline, trigger: .cli, logger: TestLog.logger)
            #expect(try await ids("/data?limit=6&offset=300") == (250..<256).map { "T\($0)" })
            #expect(try await ids("/data?limit=6&offset=449") == ["T399"])
            let total = try await client.json("/data?limit=1&offset=200")
            #expect(total.body[path: "pagination.total"] as? Int == 450)
        }
    }
}

/// Every cursor the API makes has the form its document gives, and every text of that form reads.
@Suite struct RecordCursorTests {
    @Test func cursorsRoundTripAndEveryTextOfTheDocumentedFormIsAPosition() throws {
        let pattern = try NSRegularExpression(pattern: RecordCursor.pattern)
        func documented(_ text: String) -> Bool {
            pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        for id in ["BTC", "A", "ÄÖÜ", "x y", String(repeating: "Z", count: 32), "", "ab", "abc", "abcd", "?>~\u{7f}"] {
            let cursor = RecordCursor.encode(after: id)
            #expect(documented(cursor), "\(cursor)")
            #expect(RecordCursor.decode(cursor) == id)
            // Foundation's base64, made URL-safe and unpadded, says the same.
            let reference = Data(Array("k1:".utf8) + Array(id.utf8)).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(cursor == reference)
        }
        for text in ["azE6", "azE6AA", "azE6AAA", "azE6____", "azE6AAAAAA", "azE6_-_-_-_", "azE6AP8"] {
            #expect(documented(text))
            #expect(RecordCursor.decode(text) != nil, "\(text)")
        }
        // A NUL cuts the id: "after a<NUL>b" is "after a".
        #expect(RecordCursor.decode(RecordCursor.encode(after: "a\u{0}b")) == "a")
        for text in ["", "azE", "azE6A", "QkFE", "azE6!!", "azE6=="] {
            #expect(RecordCursor.decode(text) == nil, "\(text)")
        }
        let document =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Paths.packageRoot.appendingPathComponent("Sources/Server/Resources/openapi.json"))) as? [String: Any]
        let parameters = (document?[path: "paths./data.get.parameters"] as? [[String: Any]]) ?? []
        let cursor = parameters.first { $0["name"] as? String == "cursor" }
        #expect(cursor?[path: "schema.pattern"] as? String == RecordCursor.pattern)
        #expect(cursor?[path: "schema.maxLength"] as? Int == RecordCursor.maxLength)
    }
}
