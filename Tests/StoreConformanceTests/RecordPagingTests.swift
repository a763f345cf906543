import ETLFramework
import Foundation
import Testing
import TestSupport

/// Keyset paging, maintained totals and page marks, on every store: each answer must equal the
/// plain one (counted, walked by offset), also after tickers come, go or move between sources.
@Suite struct RecordPagingTests {
    static func rows(_ tickers: Range<Int>, cap: Int, hour: Int, name: (Int) -> String = { "Coin \($0)" }) -> String {
        tickers.map { i in
            "T\(String(format: "%03d", i)),\(name(i)),\(i + 1).5,\(cap + i),1,1,2025-01-01T\(String(format: "%02d", hour)):00:00Z\n"
        }.joined()
    }

    /// The total and ids as the store counts and walks them without marks or maintained counts.
    static func counted(_ store: any Store, source: String? = nil) async throws -> (total: Int, ids: [String]) {
        var ids: [String] = []
        var query = RecordQuery(source: source, start: Timestamp(secondsSince1970: 0), limit: 200)
        while true {
            let page = try await store.unifiedRecords(query, logger: TestLog.logger)
            ids += page.items.map(\.id)
            if page.items.isEmpty { return (page.total, ids) }
            query.offset += page.items.count
        }
    }

    @Test(arguments: StoreKind.available)
    func totalsMarksAndCursorsAgreeWithCountingAsTickersComeAndMove(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("one.csv", Self.rows(0..<300, cap: 1000, hour: 0))
            try await loader.run("one", file: "one.csv", batchSize: 70)

            func check(_ step: String) async throws {
                for source in [nil, "one", "two"] {
                    let plain = try await Self.counted(store, source: source)
                    let maintained = try await store.unifiedRecords(RecordQuery(source: source, limit: 1), logger: TestLog.logger)
                    #expect(maintained.total == plain.total, "\(step): total of \(source ?? "all")")
                    // Keyset: every record once, in order.
                    var walked: [String] = []
                    var query = RecordQuery(source: source, limit: 70)
                    while true {
                        let page = try await store.unifiedRecords(query, logger: TestLog.logger)
                        walked += page.items.map(\.id)
                        #expect(page.total == plain.total)
                        guard page.hasMore == true, let last = page.items.last else { break }
                        query.after = last.id
                    }
                    #expect(walked == plain.ids, "\(step): keyset walk of \(source ?? "all")")
                    // Marks: every 50th id, and pages started from them equal the plain pages.
                    let marks = try await store.unifiedRecordMarks(source: source, every: 50, logger: TestLog.logger)
                    #expect(marks.marks == stride(from: 49, to: plain.ids.count, by: 50).map { plain.ids[$0] }, "\(step): marks")
                    for offset in [0, 49, 50, 123, 250, plain.ids.count - 1, plain.ids.count, plain.ids.count + 80] where offset >= 0 {
                        let query = RecordQuery(source: source, limit: 30, offset: offset)
                        let started = try await store.unifiedRecords(marks.start(query), logger: TestLog.logger)
                        let expected = Array(plain.ids.dropFirst(offset).prefix(30))
                        #expect(started.items.map(\.id) == expected, "\(step): offset \(offset) of \(source ?? "all")")
                        #expect(started.total == plain.total)
                        #expect(started.hasMore == (offset + 30 < plain.ids.count))
                        #expect(started.version == marks.version || marks.version == nil)
                    }
                }
            }

            try await check("first load")
            let first = try await store.unifiedRecords(RecordQuery(limit: 1), logger: TestLog.logger).version
            #expect(first != nil)

            // New prices only: same members, same version.
            try loader.write("one.csv", Self.rows(0..<300, cap: 1000, hour: 0) + Self.rows(0..<300, cap: 2000, hour: 1))
            try await loader.run("one", file: "one.csv", batchSize: 70)
            let repriced = try await store.unifiedRecords(RecordQuery(limit: 1), logger: TestLog.logger)
            #expect(repriced.version == first)
            #expect(try await loader.unified("T007")?.priceUSD == "8.5")

            // Another source takes ten tickers (a larger asset of the same ticker) and adds five.
            try loader.write("two.csv", Self.rows(100..<110, cap: 900_000, hour: 2, name: { "Other \($0)" }) + Self.rows(300..<305, cap: 10, hour: 2))
            try await loader.run("two", file: "two.csv", batchSize: 4)
            let moved = try await store.unifiedRecords(RecordQuery(source: "two", limit: 50), logger: TestLog.logger)
            #expect(moved.total == 15)
            #expect(moved.version != first)
            try await check("after the move")
        }
    }
}

/// A source asset keeps one row; its ticker and name are those of its newest observation.
@Suite struct SourceAssetTests {
    @Test(arguments: StoreKind.available)
    func aSourceAssetTakesTheTickerOfItsNewestObservationOnly(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            let header = "coin_id,symbol,name,price_usd,market_cap_usd,created_at\n"
            let mapping = FieldMapping(configured: [.id: "coin_id"])
            try loader.writeRaw("a.csv", header + "c1,OLD,Old Coin,1,100,2025-01-02T00:00:00Z\n")
            try await loader.run("a", file: "a.csv", mapping: mapping)
            try loader.writeRaw("a.csv", header + "c1,NEW,New Coin,2,100,2025-01-03T00:00:00Z\n")
            try await loader.run("a", file: "a.csv", mapping: mapping)
            // An older observation arrives late: stored in the history, but it renames nothing.
            try loader.writeRaw("a.csv", header + "c1,OLDER,Older Coin,0.5,100,2025-01-01T00:00:00Z\n")
            let late = try await loader.run("a", file: "a.csv", mapping: mapping)
            #expect(late.counters.processed == 1)
            let history = try await store.history(HistoryQuery(ticker: "NEW"), logger: TestLog.logger)
            #expect(history.items.map(\.priceUSD) == ["2", "1", "0.5"])
            #expect(history.items.allSatisfy { $0.sourceAssetID == "c1" })
            #expect(history.total == 3)
            let pastTheEnd = try await store.history(HistoryQuery(ticker: "NEW", offset: 10), logger: TestLog.logger)
            #expect(pastTheEnd.items.isEmpty && pastTheEnd.total == 3)
            let second = try await store.history(HistoryQuery(ticker: "NEW", limit: 1, offset: 1), logger: TestLog.logger)
            #expect(second.items.map(\.priceUSD) == ["1"] && second.total == 3)
            #expect(try await store.history(HistoryQuery(ticker: "OLDER"), logger: TestLog.logger).total == 0)
            #expect(try await store.history(HistoryQuery(ticker: "OLD"), logger: TestLog.logger).total == 0)
        }
    }
}
