import ETLFramework
import Foundation
import Testing
import TestSupport

/// `retention:` on every store: history and raw payloads older than their limits are removed, the
/// rest and the unified records stay, and a second pass finds nothing more to do.
@Suite struct RetentionTests {
    static let day: TimeInterval = 86_400

    @Test(arguments: StoreKind.available)
    func retentionRemovesOldHistoryAndRawPayloadsAndKeepsTheRest(kind: StoreKind) async throws {
        let now = Date()
        var rows = ""
        for ticker in ["AAA", "BBB", "CCC"] {
            for age in [800.0, 400, 10] {
                rows += "\(ticker),\(ticker) Coin,\(Int(age)),1,1,1,\(Timestamp(now - age * Self.day).iso8601)\n"
            }
        }
        rows += "DDD,Bad,not-a-price,1,1,1,\(Timestamp(now).iso8601)\n"
        let retention = RetentionPolicy(history: try ConfigDuration(parsing: "730d"), raw: try ConfigDuration(parsing: "90d"))
        try await kind.with(retention: retention) { [rows] store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("a.csv", rows)
            let report = try await loader.run("csv", file: "a.csv")
            #expect(report.counters.processed == 9 && report.counters.quarantined == 1)
            let pass = try await store.maintain(now: now, logger: TestLog.logger)
            switch kind {
            case .postgres:
                // Whole months: the 800-day-old month of both tables, the 400-day-old one of raw payloads.
                func month(_ age: Double) -> String {
                    String(Timestamp(now - age * Self.day).iso8601.prefix(7)).replacingOccurrences(of: "-", with: "_")
                }
                let dropped = Set(pass.droppedPartitions.map(\.name))
                #expect(dropped.isSuperset(of: ["observations_" + month(800), "raw_records_" + month(800), "raw_records_" + month(400)]))
                #expect(!dropped.contains("observations_" + month(400)))
            case .sqlite:
                #expect(pass.deletedRows == ["observations": 3, "raw_records": 6])
            }
            for ticker in ["AAA", "BBB", "CCC"] {
                let history = try await store.history(HistoryQuery(ticker: ticker), logger: TestLog.logger)
                #expect(history.total == 2)
                #expect(history.items.map(\.priceUSD) == ["10", "400"])
                #expect(try await loader.unified(ticker)?.priceUSD == "10")
            }
            // The quarantined record and its raw form are kept.
            #expect(try await loader.rejections(report).count == 1)
            let second = try await store.maintain(now: now, logger: TestLog.logger)
            #expect(second.droppedPartitions.isEmpty)
            #expect(second.deletedRows.values.allSatisfy { $0 == 0 })
        }
    }

    @Test(arguments: StoreKind.available)
    func withoutRetentionNothingIsRemoved(kind: StoreKind) async throws {
        let old = Timestamp(Date() - 3000 * Self.day).iso8601
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("a.csv", "AAA,A,1,1,1,1,\(old)\n")
            try await loader.run("csv", file: "a.csv")
            let pass = try await store.maintain(now: Date(), logger: TestLog.logger)
            #expect(pass.droppedPartitions.isEmpty && pass.deletedRows.isEmpty)
            #expect(try await store.history(HistoryQuery(ticker: "AAA"), logger: TestLog.logger).total == 1)
        }
    }
}
