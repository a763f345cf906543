import ETLFramework
import Foundation
import Testing
import TestSupport

/// The checks of `checks:` on every store: each passing and failing, with `warn` and `fail`.
@Suite struct RunChecksTests {
    static let four =
        "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\n"
        + "SOL,Solana,5,50,1,1,2025-01-01T00:00:00Z\nXRP,Ripple,1,10,1,1,2025-01-01T00:00:00Z\n"

    func check(_ report: RunReport, _ name: String) -> CheckResult? {
        report.checks.first { $0.name == name }
    }

    @Test(arguments: StoreKind.available)
    func aFailingWarnCheckFlagsTheRunAndAFailingFailCheckFailsIt(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("a.csv", Self.four)
            let warned = try await loader.run("warned", file: "a.csv", checks: RunChecks(minRecords: CheckLimit(5, onFail: .warn)))
            #expect(warned.status == .success)
            #expect(check(warned, "min_records")?.status == .failed)
            #expect(check(warned, "min_records")?.observed == 4 && check(warned, "min_records")?.limit == 5)
            #expect(check(warned, "max_quarantined")?.status == .passed)
            #expect(warned.message?.contains("checks failed (warn): min_records: received 4 records (4 new, 0 unchanged), fewer than 5") == true)
            let failed = try await loader.run("failed", file: "a.csv", checks: RunChecks(minRecords: CheckLimit(5, onFail: .fail)))
            #expect(failed.status == .failed)
            #expect(failed.message?.hasPrefix("failed checks: min_records: received 4 records") == true)
            // The data is stored all the same: a check judges a run, it does not undo it.
            #expect(failed.counters.processed == 4)
            let passed = try await loader.run("passed", file: "a.csv", checks: RunChecks(minRecords: CheckLimit(4, onFail: .fail)))
            #expect(passed.status == .success && passed.message == nil)
            #expect(passed.checks.map(\.status) == [.passed, .passed])
            // A quarantine share above a `warn` limit flags the run instead of failing it.
            try loader.write("b.csv", "BTC,Bitcoin,-1,,,,\n" + Self.four)
            let lenient = try await loader.run(
                "lenient", file: "b.csv", checks: RunChecks(maxQuarantined: CheckLimit(0.1, onFail: .warn)))
            #expect(lenient.status == .success && lenient.counters.quarantined == 1)
            #expect(check(lenient, "max_quarantined")?.status == .failed && check(lenient, "max_quarantined")?.observed == 0.2)
            // What the run record keeps is what the runner decided.
            let stored = try await store.run(id: warned.runID, rejectionLimit: 0, logger: TestLog.logger)?.run
            #expect(stored?.checks == warned.checks)
        }
    }

    @Test(arguments: StoreKind.available)
    func countChangeComparesWithThePreviousSuccessfulRunAndNamesTickersThatCameAndWent(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            let checks = RunChecks(maxCountChange: CheckLimit(0.5, onFail: .warn))
            try loader.write("a.csv", Self.four)
            let first = try await loader.run("p", file: "a.csv", checks: checks)
            #expect(check(first, "max_count_change")?.status == .skipped)
            #expect(check(first, "max_count_change")?.detail == "no earlier successful run to compare with")
            // The file grows by one row: the next run receives 1 record against 4.
            try loader.append("a.csv", "BTC,Bitcoin,101,1010,1,1,2025-01-02T00:00:00Z\n")
            let second = try await loader.run("p", file: "a.csv", checks: checks)
            let shrink = try #require(check(second, "max_count_change"))
            #expect(second.status == .success)
            #expect(shrink.status == .failed && shrink.observed == -0.75 && shrink.comparedRun == first.runID.rawValue)
            #expect(shrink.detail == "received 1 records against 4 in run \(first.runID) (-75%), beyond the limit of 50%")
            let detail = try #require(try await store.run(id: second.runID, rejectionLimit: 0, logger: TestLog.logger))
            let comparison = try #require(try await store.comparison(of: detail.run, logger: TestLog.logger))
            #expect(comparison.previousRun == first.runID)
            #expect(comparison.recordsBefore == 4 && comparison.recordsNow == 1)
            #expect(comparison.vanishedTickers == ["ETH", "SOL", "XRP"] && comparison.newTickers.isEmpty)
            // A failed run is not compared with: the third run is compared with the second.
            try loader.append("a.csv", "DOGE,Dogecoin,0.1,5,1,1,2025-01-03T00:00:00Z\nETH,Ethereum,11,110,1,1,2025-01-03T00:00:00Z\n")
            let third = try await loader.run("p", file: "a.csv", checks: checks)
            #expect(check(third, "max_count_change")?.comparedRun == second.runID.rawValue)
            #expect(check(third, "max_count_change")?.observed == 1)
            let thirdRun = try #require(try await store.run(id: third.runID, rejectionLimit: 0, logger: TestLog.logger)?.run)
            let grown = try #require(try await store.comparison(of: thirdRun, logger: TestLog.logger))
            #expect(grown.newTickers == ["DOGE", "ETH"] && grown.vanishedTickers == ["BTC"])
            // Two records against two: within the limit.
            try loader.append("a.csv", "DOGE,Dogecoin,0.1,5,1,1,2025-01-04T00:00:00Z\nSOL,Solana,6,60,1,1,2025-01-04T00:00:00Z\n")
            let steady = try await loader.run("p", file: "a.csv", checks: checks)
            #expect(check(steady, "max_count_change")?.status == .passed && check(steady, "max_count_change")?.observed == 0)
            #expect(steady.message == nil)
        }
    }

    /// A decimal point shifted down is as wrong as one shifted up: with `limit: 900%`, a fall to a
    /// tenth is flagged like a 10x jump, and a 9x move either way is not.
    @Test(arguments: StoreKind.available)
    func aFallToATenthIsAsBigAsATenfoldJump(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            let checks = RunChecks(maxPriceChange: CheckLimit(9, onFail: .warn))
            try loader.write("a.csv", "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\nETH,Ethereum,100,100,1,1,2025-01-01T00:00:00Z\n")
            _ = try await loader.run("a", file: "a.csv", checks: checks)
            try loader.write("b.csv", "BTC,Bitcoin,9.99,1000,1,1,2025-01-02T00:00:00Z\nETH,Ethereum,11.2,100,1,1,2025-01-02T00:00:00Z\n")
            let moved = try await loader.run("b", file: "b.csv", checks: checks)
            #expect(moved.counters.anomalies == 1)
            let page = try await store.anomalies(run: moved.runID, limit: 10, offset: 0, logger: TestLog.logger)
            #expect(page.items.map(\.ticker) == ["BTC"])
            let flagged = try #require(check(moved, "max_price_change"))
            #expect(flagged.status == .failed)
            #expect(abs((flagged.observed ?? 0) - (9.99 - 100) / 100) < 1e-12, "the signed change is what is reported")
        }
    }

    @Test(arguments: StoreKind.available)
    func aPriceJumpIsFlaggedWithBothValuesAndTheRecordIsStoredAnyway(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            let warn = RunChecks(maxPriceChange: CheckLimit(0.5, onFail: .warn))
            try loader.write("a.csv", "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\n")
            let first = try await loader.run("a", file: "a.csv", checks: warn)
            #expect(first.counters.anomalies == 0 && check(first, "max_price_change")?.status == .passed)
            // Another source: the same asset (same ticker and name) jumps 100x, then falls back, in one batch.
            try loader.write(
                "b.csv",
                "BTC,Bitcoin,10000,1000,1,1,2025-01-02T00:00:00Z\nETH,Ethereum,11,100,1,1,2025-01-02T00:00:00Z\n"
                    + "BTC,Bitcoin,100,1000,1,1,2025-01-03T00:00:00Z\n")
            let jumped = try await loader.run("b", file: "b.csv", checks: warn)
            #expect(jumped.status == .success && jumped.counters.processed == 3 && jumped.counters.anomalies == 2)
            let flagged = try #require(check(jumped, "max_price_change"))
            #expect(flagged.status == .failed && flagged.observed == 99)
            #expect(
                flagged.detail == "2 prices moved more than 50% from the previous observation; the largest by +9900% (listed as the run's anomalies)")
            let page = try await store.anomalies(run: jumped.runID, limit: 10, offset: 0, logger: TestLog.logger)
            #expect(page.total == 2)
            let up = try #require(page.items.first), down = try #require(page.items.last)
            #expect(up.ticker == "BTC" && up.priceUSD == "10000" && up.previousPriceUSD == "100" && up.previousSource == "a")
            #expect(up.observedAt.iso8601 == "2025-01-02T00:00:00.000Z" && up.previousObservedAt.iso8601 == "2025-01-01T00:00:00.000Z")
            #expect(up.change == 99 && up.raw.contains("10000") && up.location.contains("b.csv"))
            #expect(down.priceUSD == "100" && down.previousPriceUSD == "10000" && down.previousSource == "b" && down.change == -0.99)
            #expect(try await loader.unified("BTC")?.priceUSD == "100")
            // With on_fail: fail the same jump fails the run; its records are stored all the same.
            try loader.write("c.csv", "ETH,Ethereum,1100,100,1,1,2025-01-04T00:00:00Z\n")
            let failed = try await loader.run("c", file: "c.csv", checks: RunChecks(maxPriceChange: CheckLimit(0.5, onFail: .fail)))
            #expect(failed.status == .failed && failed.counters.anomalies == 1)
            #expect(try await loader.unified("ETH")?.priceUSD == "1100")
        }
    }

    @Test(arguments: StoreKind.available)
    func freshnessComparesTheNewestObservationWithNow(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("a.csv", Self.four)
            let stale = try await loader.run("old", file: "a.csv", checks: RunChecks(freshness: CheckLimit(.seconds(1800), onFail: .warn)))
            let result = try #require(check(stale, "freshness"))
            #expect(stale.status == .success && result.status == .failed)
            #expect(result.limit == 1800 && (result.observed ?? 0) > 86_400 * 300)
            #expect(result.detail.contains("(2025-01-01T00:00:00.000Z), older than the limit of 30m"))
            let now = Timestamp(Date()).iso8601
            try loader.write("b.csv", "BTC,Bitcoin,100,1000,1,1,\(now)\n")
            let fresh = try await loader.run("new", file: "b.csv", checks: RunChecks(freshness: CheckLimit(.seconds(1800), onFail: .fail)))
            #expect(fresh.status == .success && check(fresh, "freshness")?.status == .passed)
            try loader.write("c.csv", "")
            let empty = try await loader.run("empty", file: "c.csv", checks: RunChecks(freshness: CheckLimit(.seconds(1800), onFail: .fail)))
            #expect(empty.status == .success && check(empty, "freshness")?.status == .skipped)
        }
    }
}
