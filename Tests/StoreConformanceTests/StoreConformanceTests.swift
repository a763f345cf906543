import ETLFramework
import Foundation
import Testing
import TestSupport

/// One suite, run against every store: PostgreSQL and SQLite must keep the same semantics.
@Suite struct StoreConformanceTests {
    @Test(arguments: StoreKind.available)
    func aRunLoadsRecordsAndIsRecorded(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write(
                "a.csv",
                "BTC,Bitcoin,43250.5,846000000000,1,1.5,2025-12-10T12:00:00Z\nbad,,-1,,,,\nETH,Ethereum,2275.5,1,1,-0.7,2025-12-10T12:00:00Z\n")
            let report = try await loader.run("csv", file: "a.csv")
            #expect(report.status == .success)
            #expect(report.counters == RunCounters(processed: 2, quarantined: 1, skipped: 0))
            let runs = try await store.runs(RunQuery(), logger: TestLog.logger)
            #expect(runs.total == 1 && runs.items.first?.status == .success && runs.items.first?.trigger == .cli)
            let detail = try await store.run(id: report.runID, rejectionLimit: 10, logger: TestLog.logger)
            #expect(detail?.rejectionCount == 1)
            #expect(detail?.rejections.first?.location.line == 3)
            #expect(try await store.checkpoint(for: "csv", logger: TestLog.logger)?.kind == "csv")
        }
    }

    @Test(arguments: StoreKind.available)
    func theSameFileTwiceChangesNothingAndAppendsResume(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("a.csv", "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\n")
            try await loader.run("csv", file: "a.csv")
            let before = try await loader.unified("BTC")
            let again = try await loader.run("csv", file: "a.csv")
            #expect(again.counters == RunCounters())
            #expect(try await loader.unified("BTC") == before)
            try loader.append("a.csv", "BTC,Bitcoin,105,1050,1,1,2025-01-01T01:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T01:00:00Z\n")
            let resumed = try await loader.run("csv", file: "a.csv")
            #expect(resumed.counters.processed == 2)
            #expect(try await loader.unified("BTC")?.priceUSD == "105")
            let history = try await store.history(HistoryQuery(ticker: "BTC"), logger: TestLog.logger)
            #expect(history.items.map(\.priceUSD) == ["105", "100"])
        }
    }

    @Test(arguments: StoreKind.available)
    func aReplacedFileIsReadAgainWithoutDuplicates(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("a.csv", "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\n")
            try await loader.run("csv", file: "a.csv")
            try loader.write("a.csv", "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\nSOL,Solana,5,50,1,1,2025-01-02T00:00:00Z\n")
            let second = try await loader.run("csv", file: "a.csv")
            #expect(second.counters == RunCounters(processed: 1, quarantined: 0, skipped: 1))
            #expect(try await loader.all().total == 3)
        }
    }

    @Test(arguments: StoreKind.available.flatMap { kind in [(kind, false), (kind, true)] })
    func theLargerAssetHoldsASharedTickerInEitherOrder(kind: StoreKind, smallFirst: Bool) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("big.csv", "ABC,Alpha Coin,2.5,900000,100,1,2025-01-01T00:00:00Z\n")
            try loader.write("small.csv", "abc,Beta Token,0.01,5000,1,1,2025-01-02T00:00:00Z\n")
            for (name, file) in smallFirst ? [("small", "small.csv"), ("big", "big.csv")] : [("big", "big.csv"), ("small", "small.csv")] {
                try await loader.run(name, file: file)
            }
            let abc = try await loader.unified("ABC")
            #expect(abc?.sourceAssetID == "abc-alphacoin")
            #expect(abc?.source == "big")
            #expect(try await loader.all().total == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func exactDecimalsSurvive(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write(
                "a.csv",
                "TINY,Tiny,0.000000001234,0,0,0,2025-01-01T00:00:00Z\nENOT,Enot,1.0904e-08,2.448524105135891e+15,1e-12,-99.5,2025-01-01T00:00:00Z\nWIDE,Wide,1234567890.1234567890123456789012345678,1,1,1,2025-01-01T00:00:00Z\n"
            )
            try await loader.run("csv", file: "a.csv")
            #expect(try await loader.unified("TINY")?.priceUSD == "0.000000001234")
            let enot = try await loader.unified("ENOT")
            #expect(enot?.priceUSD == "0.000000010904")
            #expect(enot?.marketCapUSD == "2448524105135891")
            #expect(enot?.volume24hUSD == "0.000000000001")
            #expect(try await loader.unified("WIDE")?.priceUSD == "1234567890.1234567890123456789012345678")
        }
    }

    @Test(arguments: StoreKind.available)
    func queriesFilterPageAndCount(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write(
                "a.csv",
                "BTC,Bitcoin,1,3,1,1,2025-12-10T12:00:00Z\nETH,Ethereum,1,2,1,1,2025-12-11T12:00:00Z\nSOL,Solana,1,1,1,1,2025-12-12T12:00:00Z\n")
            try loader.write("b.csv", "XRP,XRP,1,1,1,1,2025-12-13T12:00:00Z\n")
            try await loader.run("alpha", file: "a.csv")
            try await loader.run("beta", file: "b.csv")
            #expect(try await loader.all().items.map(\.id) == ["BTC", "ETH", "SOL", "XRP"])
            #expect(try await loader.all(RecordQuery(source: "beta")).items.map(\.id) == ["XRP"])
            #expect(try await loader.all(RecordQuery(ticker: "ETH")).total == 1)
            let day = 86_400.0, start = Date(timeIntervalSince1970: 1_765_368_000)  // 2025-12-10T12:00:00Z
            #expect(
                try await loader.all(RecordQuery(start: Timestamp(start + day), end: Timestamp(start + 2 * day))).items.map(\.id) == ["ETH", "SOL"])
            let page = try await loader.all(RecordQuery(limit: 2, offset: 2))
            #expect(page.items.map(\.id) == ["SOL", "XRP"] && page.total == 4)
            let stats = try await store.statistics(logger: TestLog.logger)
            #expect(stats.totalNormalized == 4)
            #expect(stats.pipelines.map(\.pipeline) == ["alpha", "beta"])
            #expect(stats.pipelines.first?.totalProcessed == 3 && stats.pipelines.first?.lastSuccess != nil)
            let latest = try await store.latestRuns(logger: TestLog.logger)
            #expect(Set(latest.keys) == ["alpha", "beta"])
            #expect(try await store.runs(RunQuery(pipeline: "beta", status: .success), logger: TestLog.logger).total == 1)
            try await store.ping(logger: TestLog.logger)
        }
    }

    @Test(arguments: StoreKind.available)
    func aRunLeftRunningIsInterruptedAndTheLockIsExclusive(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let stale = try await store.startRun(pipeline: "gone", trigger: .cli, logger: TestLog.logger)
            #expect(try await store.recoverAbandonedRuns(logger: TestLog.logger) == 1)
            let run = try await store.run(id: stale, rejectionLimit: 1, logger: TestLog.logger)
            #expect(run?.run.status == .interrupted)
            let (entered, enter) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseNow) = AsyncStream.makeStream(of: Void.self)
            async let holder: Void = store.withRunLock(pipeline: "p", logger: TestLog.logger) {
                enter.yield()
                for await _ in release { break }
            }
            var iterator = entered.makeAsyncIterator()
            await iterator.next()
            await #expect(throws: PipelineBusy.self) {
                try await store.withRunLock(pipeline: "p", logger: TestLog.logger) {}
            }
            releaseNow.yield()
            try await holder
            try await store.withRunLock(pipeline: "p", logger: TestLog.logger) {}
        }
    }

    /// Two sources that observed one asset at the same time: the source whose name sorts first holds
    /// it, whichever of them was loaded first (as concurrent pipelines may commit in either order).
    @Test(arguments: StoreKind.available.flatMap { kind in [(kind, ["alpha", "beta"]), (kind, ["beta", "alpha"])] })
    func anAssetObservedAtTheSameTimeByTwoSourcesGoesToTheFirstByName(kind: StoreKind, order: [String]) async throws {
        try await kind.with { store, directory in
            let loader = CSVLoader(store: store, directory: directory)
            try loader.write("alpha.csv", "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\n")
            try loader.write("beta.csv", "BTC,Bitcoin,101,1000,1,1,2025-01-01T00:00:00Z\n")
            for source in order { try await loader.run(source, file: "\(source).csv") }
            let record = try #require(try await loader.unified("BTC"))
            #expect(record.source == "alpha")
            #expect(record.priceUSD == "100")
        }
    }

    @Test(arguments: StoreKind.available)
    func migrationsAreIdempotent(kind: StoreKind) async throws {
        try await kind.with { store, _ in
            let applied = try await store.migrate(logger: TestLog.logger)
            #expect(applied.isEmpty)
        }
    }
}
