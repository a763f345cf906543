import CSVFileAdapter
import ETLFramework
import Foundation
import Testing
import TestSupport

/// Files that look like real exports and pipeline files with mistakes, on every store: a wrong
/// result must fail or say so, never look like a right one.
@Suite struct TrustTheDataTests {
    static let columns = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at"

    @Test(arguments: StoreKind.available)
    func aSpreadsheetExportWithAnUnnamedIndexColumnLoads(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.writeRaw(
                "export.csv", ",\(Self.columns)\n0,BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\n1,ETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\n")
            let report = try await loader.run("export", file: "export.csv")
            #expect(report.status == .success)
            #expect(report.counters.processed == 2)
            let skipping = try await loader.run("skipping", file: "export.csv", columns: CSVColumns(skip: ["column_1"]))
            #expect(skipping.counters.processed == 2)
            let wrongSkip = try await loader.run("wrong", file: "export.csv", columns: CSVColumns(skip: ["column_2"]))
            #expect(wrongSkip.status == .failed)
            #expect(wrongSkip.message?.contains("skip_columns names \"column_2\", which is not a column (nearest: \"column_1\")") == true)
        }
    }

    @Test(arguments: StoreKind.available)
    func headerReplacesTheFilesNamesOrNamesAFileWithoutOne(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.writeRaw("odd.csv", "Sym,Coin Name,Px\nBTC,Bitcoin,100\n")
            let renamed = try await loader.run(
                "odd", file: "odd.csv", columns: CSVColumns(names: ["symbol", "name", "price_usd"]),
                normalize: NormalizeConfig(mapping: FieldMapping(configured: [:])))
            #expect(renamed.status == .success && renamed.counters.processed == 1)
            try loader.writeRaw("bare.csv", "ETH,Ethereum,10\n")
            let bare = try await loader.run("bare", file: "bare.csv", columns: CSVColumns(names: ["symbol", "name", "price_usd"], headerRow: false))
            #expect(bare.counters.processed == 1)
            #expect(try await loader.unified("ETH")?.priceUSD == "10")
            let miscounted = try await loader.run("miscounted", file: "odd.csv", columns: CSVColumns(names: ["symbol", "price_usd"]))
            #expect(miscounted.status == .failed)
            #expect(miscounted.message == "odd.csv:1: header: names 2 columns, the file's header line has 3")
        }
    }

    @Test(arguments: StoreKind.available)
    func aMappingNamingAMissingColumnFailsBeforeWritingAnything(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.writeRaw("a.csv", "symbol,name,price_usd,24h_volume_usd,created_at\nBTC,Bitcoin,100,5,2025-01-01T00:00:00Z\n")
            let report = try await loader.run("a", file: "a.csv", mapping: FieldMapping(configured: [.volume24hUSD: "volume_24h"]))
            #expect(report.status == .failed)
            #expect(
                report.message?.hasPrefix(
                    "nothing written: mapping key volume_24h_usd names \"volume_24h\", which the data does not have (nearest: \"24h_volume_usd\")")
                    == true,
                "\(report.message ?? "")")
            #expect(report.counters == RunCounters())
            #expect(try await loader.all().total == 0)
            #expect(try await store.checkpoint(for: "a", logger: TestLog.logger) == nil)
            // A mistyped observed-at column is an error too, never the file's time in silence.
            let typo = try await loader.run("b", file: "a.csv", mapping: FieldMapping(configured: [.observedAt: "created"]))
            #expect(typo.status == .failed)
            #expect(typo.message?.contains("mapping key observed_at names \"created\"") == true)
        }
    }

    @Test(arguments: StoreKind.available)
    func aDefaultThatAppliesIsSaidInTheRunMessage(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.writeRaw("a.csv", "symbol,name,price_usd\nBTC,Bitcoin,100\n")
            let report = try await loader.run("a", file: "a.csv")
            #expect(report.status == .success)
            let message = try #require(report.message)
            #expect(
                message.contains("the data has no \"created_at\" for observed_at: every record is stamped with the file's modification time"),
                "\(message)")
            #expect(message.contains("the data has no \"volume_24h_usd\" for volume_24h_usd: left empty"), "\(message)")
        }
    }

    @Test(arguments: StoreKind.available)
    func aRunQuarantiningMoreThanItsLimitFailsNamingTheCommonReasons(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("a.csv", "BTC,Bitcoin,-1,,,,\nETH,Ethereum,-2,,,,\nSOL,Solana,abc,,,,\nXRP,Ripple,1,,,,\n")
            let failed = try await loader.run("a", file: "a.csv")
            #expect(failed.status == .failed)
            #expect(
                failed.message == "failed checks: max_quarantined: quarantined 75% of 4 records read, above the limit of 50%; "
                    + "most common reasons: price_usd must be greater than N, got -N (2); price_usd \"…\" is not a decimal number (1)")
            let allowed = try await loader.run("b", file: "a.csv", checks: RunChecks(maxQuarantined: CheckLimit(0.8, onFail: .fail)))
            #expect(allowed.status == .success)
        }
    }

    @Test(arguments: StoreKind.available)
    func afterAResetAFixedFormatLoadsTheRowsQuarantinedBefore(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("a.csv", "BTC,Bitcoin,100,1,1,1,06/01/2025 10:00\nETH,Ethereum,10,1,1,1,06/01/2025 10:00\n")
            let wrong = try await loader.run("a", file: "a.csv", normalize: NormalizeConfig(timestampFormat: "MM/dd/yyyy HH:mm:ss"))
            #expect(wrong.status == .failed && wrong.counters.quarantined == 2)
            let fixed = NormalizeConfig(timestampFormat: "dd/MM/yyyy HH:mm")
            let stuck = try await loader.run("a", file: "a.csv", normalize: fixed)
            #expect(stuck.counters == RunCounters())  // the checkpoint is past the rows
            #expect(try await store.resetCheckpoint(for: "a", logger: TestLog.logger))
            let recovered = try await loader.run("a", file: "a.csv", normalize: fixed)
            #expect(recovered.status == .success)
            #expect(recovered.counters == RunCounters(processed: 2, quarantined: 0, skipped: 0))
            #expect(try await loader.unified("BTC")?.createdAt.iso8601 == "2025-01-06T10:00:00.000Z")
            // Once more from the start: everything is already stored.
            #expect(try await store.resetCheckpoint(for: "a", logger: TestLog.logger))
            #expect(try await loader.run("a", file: "a.csv", normalize: fixed).counters == RunCounters(processed: 0, quarantined: 0, skipped: 2))
            #expect(try await !store.resetCheckpoint(for: "never-ran", logger: TestLog.logger))
        }
    }

    @Test(arguments: StoreKind.available)
    func aNULByteQuarantinesItsRowAndTheRestLoads(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write(
                "a.csv",
                "BTC,Bitcoin,100,1,1,1,2025-01-01T00:00:00Z\nETH,Ether\u{0}eum,10,1,1,1,2025-01-01T00:00:00Z\nSOL,Solana,5,1,1,1,2025-01-01T00:00:00Z\n"
            )
            let report = try await loader.run("a", file: "a.csv", batchSize: 10)
            #expect(report.status == .success)
            #expect(report.counters == RunCounters(processed: 2, quarantined: 1, skipped: 0))
            let rejection = try #require(try await loader.rejections(report).first)
            #expect(rejection.location.line == 3 && rejection.field == "name")
            #expect(rejection.reason == "name contains a NUL character (U+0000), which the store cannot hold")
            #expect(try await loader.unified("SOL") != nil)
            // Later runs are not stuck on it.
            try loader.append("a.csv", "ADA,Cardano,1,1,1,1,2025-01-01T00:00:00Z\n")
            #expect(try await loader.run("a", file: "a.csv").counters.processed == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func aConflictingDuplicateIsQuarantinedAndTheFirstStands(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write(
                "a.csv",
                "BTC,Bitcoin,100,1,1,1,2025-01-01T00:00:00Z\nBTC,Bitcoin,100,1,1,1,2025-01-01T00:00:00Z\nBTC,Bitcoin,999,1,1,1,2025-01-01T00:00:00Z\n"
            )
            let report = try await loader.run("a", file: "a.csv")
            #expect(report.counters == RunCounters(processed: 1, quarantined: 1, skipped: 1))
            let rejection = try #require(try await loader.rejections(report).first)
            #expect(rejection.location.line == 4)
            #expect(rejection.reason.hasPrefix("conflicts with a.csv:2: the same asset"))
            #expect(try await loader.unified("BTC")?.priceUSD == "100")
            // Across runs: the stored observation stands.
            try loader.append("a.csv", "BTC,Bitcoin,555,1,1,1,2025-01-01T00:00:00Z\n")
            let later = try await loader.run("a", file: "a.csv")
            #expect(later.counters == RunCounters(processed: 0, quarantined: 1, skipped: 0))
            #expect(try await loader.rejections(later).first?.reason == Rejection.storedConflictReason)
            #expect(try await loader.unified("BTC")?.priceUSD == "100")
        }
    }

    @Test(arguments: StoreKind.available)
    func anOverlongFieldCostsOneQuarantineRowAndLinesStayRight(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            // A 10 MB quoted field spanning many lines, on line 3.
            let huge = String(repeating: String(repeating: "x", count: 99) + "\n", count: 100_000)
            try loader.write(
                "a.csv",
                "BTC,Bitcoin,100,1,1,1,2025-01-01T00:00:00Z\nETH,\"\(huge)\",10,1,1,1,2025-01-01T00:00:00Z\n"
                    + "SOL,Solana,5,1,1,1,2025-01-01T00:00:00Z\nbad,,-1,,,,\n")
            let report = try await loader.run("a", file: "a.csv")
            #expect(report.counters == RunCounters(processed: 2, quarantined: 2, skipped: 0))
            let rejections = try await loader.rejections(report)
            #expect(rejections.map(\.location.line) == [3, 100_005])  // the field's 100,000 line breaks are counted
            #expect(
                rejections.first?.reason.hasPrefix("record longer than 1048576 bytes (lines 3-100003)") == true, "\(rejections.first?.reason ?? "")")
        }
    }

    @Test(arguments: StoreKind.available)
    func storedTimesAreServedExactlyToTheMillisecondAndMicrosecond(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            // Every millisecond value 000...999, as CoinGecko's last_updated has them (…46.236Z).
            var rows = ""
            var expected: [String: String] = [:]
            for ms in 0..<1000 {
                let time = "2024-04-07T12:03:46.\(String(format: "%03d", ms))Z"
                rows += "T\(ms),Coin \(ms),1,1,1,1,\(time)\n"
                expected["T\(ms)"] = time
            }
            rows += "MICRO,Micro,1,1,1,1,2024-04-07T12:03:46.123456Z\n"
            expected["MICRO"] = "2024-04-07T12:03:46.123456Z"
            try loader.write("a.csv", rows)
            #expect(try await loader.run("a", file: "a.csv").counters.processed == 1001)
            var served: [String: String] = [:]
            for offset in stride(from: 0, to: 1001, by: 200) {
                for record in try await loader.all(RecordQuery(limit: 200, offset: offset)).items {
                    served[record.id] = record.createdAt.iso8601
                }
            }
            #expect(served == expected)
            let history = try await store.history(HistoryQuery(ticker: "T236"), logger: TestLog.logger)
            #expect(history.items.map(\.observedAt.iso8601) == ["2024-04-07T12:03:46.236Z"])
            // Exact bounds: the 236th millisecond alone.
            let at = try #require(TimestampParser.iso8601Timestamp("2024-04-07T12:03:46.236Z")?.timestamp)
            #expect(try await loader.all(RecordQuery(start: at, end: at)).items.map(\.id) == ["T236"])
        }
    }
}
