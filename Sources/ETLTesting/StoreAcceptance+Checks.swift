import ETLFramework
import Foundation

extension StoreAcceptance {
    /// Every check of the suite, in order.
    static let catalog: [Entry] = [
        Entry(name: "a-run-is-stored-and-recorded", body: aRunIsStoredAndRecorded),
        Entry(name: "a-re-run-changes-nothing", body: aReRunChangesNothing),
        Entry(name: "a-re-read-is-skipped-not-doubled", body: aReReadIsSkippedNotDoubled),
        Entry(name: "new-records-resume-and-history-grows", body: newRecordsResumeAndHistoryGrows),
        Entry(name: "a-run-ends-with-its-newest-observations-published", body: aRunEndsWithItsNewestObservationsPublished),
        Entry(name: "the-larger-asset-holds-a-shared-ticker", body: theLargerAssetHoldsASharedTicker),
        Entry(name: "same-time-observations-go-to-the-first-source-by-name", body: sameTimeObservationsGoToTheFirstByName),
        Entry(name: "exact-decimals-survive", body: exactDecimalsSurvive),
        Entry(name: "queries-filter-page-and-count", body: queriesFilterPageAndCount),
        Entry(name: "abandoned-runs-end-interrupted-and-the-run-lock-is-exclusive", body: runLocks),
        Entry(name: "finishing-a-run-the-store-does-not-hold-says-so", body: finishingAnUnknownRun),
        Entry(name: "migrations-are-idempotent", body: migrationsAreIdempotent),
    ]

    static let btc = "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z"

    static func aRunIsStoredAndRecorded(_ loader: StoreLoader) async throws {
        let store = loader.store, logger = loader.logger
        let report = try await loader.run(
            "csv",
            ["BTC,Bitcoin,43250.5,846000000000,1,1.5,2025-12-10T12:00:00Z", "bad,,-1,,,,", "ETH,Ethereum,2275.5,1,1,-0.7,2025-12-10T12:00:00Z"])
        try require(report.status == .success, "the run ended \(report.status.rawValue): \(report.message ?? "")")
        try require(
            report.counters == RunCounters(processed: 2, quarantined: 1, skipped: 0),
            "counters \(report.counters), expected 2 processed and 1 quarantined")
        let runs = try await store.runs(RunQuery(), logger: logger)
        try require(runs.total == 1 && runs.items.first?.status == .success, "the run history holds \(runs.items.map(\.status.rawValue))")
        try require(runs.items.first?.trigger == .cli, "the run's trigger was not kept")
        let detail = try await store.run(id: report.runID, rejectionLimit: 10, logger: logger)
        try require(detail?.rejectionCount == 1, "\(detail?.rejectionCount ?? 0) rejections stored, expected 1")
        try require(detail?.rejections.first?.location.line == 2, "the rejection's line is not kept")
        try require(detail?.rejections.first?.reason.isEmpty == false, "the rejection's reason is not kept")
        try require(try await store.checkpoint(for: "csv", logger: logger)?.kind == "recorded", "the checkpoint was not saved with the batch")
        try require(try await loader.unified("BTC")?.priceUSD == "43250.5", "the unified record of BTC is not the one loaded")
    }

    /// Over several batches of one run (the latest state may wait for the run's end, see
    /// ``LoadBatch/defersLatestState``): once the run ends, the unified record is the newest
    /// observation and the history holds every one.
    static func aRunEndsWithItsNewestObservationsPublished(_ loader: StoreLoader) async throws {
        let report = try await loader.run(
            "csv",
            [
                "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z", "BTC,Bitcoin,200,1000,1,1,2025-01-02T00:00:00Z",
                "ETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z", "BTC,Bitcoin,150,1000,1,1,2025-01-03T00:00:00Z",
            ], batchSize: 1)
        try require(report.status == .success, "the run ended \(report.status.rawValue): \(report.message ?? "")")
        let unified = try await loader.unified("BTC")
        try require(unified?.priceUSD == "150", "the unified record of BTC holds \(unified?.priceUSD ?? "nothing"), not the newest 150")
        let history = try await loader.store.history(HistoryQuery(ticker: "BTC"), logger: loader.logger)
        try require(
            history.total == 3 && history.items.map { "\($0.priceUSD)" } == ["150", "200", "100"],
            "the history of BTC holds \(history.items.map { "\($0.priceUSD)" }), expected 150, 200, 100 newest first")
        try require(try await loader.unified("ETH")?.priceUSD == "10", "the unified record of ETH is not the one loaded")
    }

    static func aReRunChangesNothing(_ loader: StoreLoader) async throws {
        try await loader.run("csv", [btc])
        let before = try await loader.unified("BTC")
        let again = try await loader.run("csv", [btc])
        try require(again.counters == RunCounters(), "a run from the final checkpoint counted \(again.counters)")
        try require(try await loader.unified("BTC") == before, "a run from the final checkpoint changed the unified record")
    }

    static func aReReadIsSkippedNotDoubled(_ loader: StoreLoader) async throws {
        try await loader.run("csv", [btc, "ETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z"])
        let before = try await loader.all()
        try require(try await loader.store.resetCheckpoint(for: "csv", logger: loader.logger), "resetCheckpoint found no checkpoint")
        let again = try await loader.run("csv", [btc, "ETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z"])
        try require(
            again.counters == RunCounters(processed: 0, quarantined: 0, skipped: 2),
            "re-reading stored records counted \(again.counters), expected 2 skipped")
        try require(try await loader.all().items == before.items, "re-reading stored records changed the unified records")
        let history = try await loader.store.history(HistoryQuery(ticker: "BTC"), logger: loader.logger)
        try require(history.total == 1, "re-reading stored records left \(history.total) history points for BTC")
    }

    static func newRecordsResumeAndHistoryGrows(_ loader: StoreLoader) async throws {
        try await loader.run("csv", [btc])
        let resumed = try await loader.run(
            "csv", [btc, "BTC,Bitcoin,105,1050,1,1,2025-01-01T01:00:00Z", "ETH,Ethereum,10,100,1,1,2025-01-01T01:00:00Z"])
        try require(resumed.counters.processed == 2, "the resumed run processed \(resumed.counters.processed), expected 2")
        try require(try await loader.unified("BTC")?.priceUSD == "105", "the unified record is not the newest observation")
        let history = try await loader.store.history(HistoryQuery(ticker: "BTC"), logger: loader.logger)
        try require(history.items.map(\.priceUSD) == ["105", "100"], "history \(history.items.map(\.priceUSD)), expected newest first [105, 100]")
    }

    static func theLargerAssetHoldsASharedTicker(_ loader: StoreLoader) async throws {
        for (ticker, order) in [("ABC", ["big", "small"]), ("XYZ", ["small", "big"])] {
            let lines = [
                "big": "\(ticker),Alpha Coin,2.5,900000,100,1,2025-01-01T00:00:00Z",
                "small": "\(ticker.lowercased()),Beta Token,0.01,5000,1,1,2025-01-02T00:00:00Z",
            ]
            for name in order { try await loader.run("\(name)-\(ticker)", [lines[name]!]) }
            let record = try await loader.unified(ticker)
            try require(
                record?.source == "big-\(ticker)", "loaded \(order): \(ticker) held by \(record?.source ?? "nobody"), expected the larger asset")
            let asset = "\(ticker.lowercased())-alphacoin"
            try require(record?.sourceAssetID == asset, "loaded \(order): \(ticker) is \(record?.sourceAssetID ?? "nothing"), expected \(asset)")
        }
    }

    static func sameTimeObservationsGoToTheFirstByName(_ loader: StoreLoader) async throws {
        for (index, order) in [["alpha", "beta"], ["beta", "alpha"]].enumerated() {
            let ticker = index == 0 ? "BTC" : "XBT"
            let price = ["alpha": "100", "beta": "101"]
            for name in order {
                try await loader.run("\(name)\(index)", ["\(ticker),Bitcoin,\(price[name]!),1000,1,1,2025-01-01T00:00:00Z"])
            }
            let record = try await loader.unified(ticker)
            try require(
                record?.source == "alpha\(index)" && record?.priceUSD == "100",
                "loaded \(order): \(ticker) held by \(record?.source ?? "nobody") at \(record?.priceUSD ?? "-"), expected alpha at 100")
        }
    }

    static func exactDecimalsSurvive(_ loader: StoreLoader) async throws {
        try await loader.run(
            "csv",
            [
                "TINY,Tiny,0.000000001234,0,0,0,2025-01-01T00:00:00Z", "ENOT,Enot,1.0904e-08,2.448524105135891e+15,1e-12,-99.5,2025-01-01T00:00:00Z",
                "WIDE,Wide,1234567890.1234567890123456789012345678,1,1,1,2025-01-01T00:00:00Z",
            ])
        let expected = [
            ("TINY", "0.000000001234"), ("ENOT", "0.000000010904"), ("WIDE", "1234567890.1234567890123456789012345678"),
        ]
        for (ticker, price) in expected {
            let stored = try await loader.unified(ticker)?.priceUSD
            try require(stored == price, "\(ticker): stored \(stored ?? "nothing"), expected \(price)")
        }
        let enot = try await loader.unified("ENOT")
        try require(enot?.marketCapUSD == "2448524105135891", "ENOT market cap \(enot?.marketCapUSD ?? "-")")
        try require(enot?.volume24hUSD == "0.000000000001", "ENOT volume \(enot?.volume24hUSD ?? "-")")
    }

    static func queriesFilterPageAndCount(_ loader: StoreLoader) async throws {
        let store = loader.store, logger = loader.logger
        try await loader.run(
            "alpha",
            ["BTC,Bitcoin,1,3,1,1,2025-12-10T12:00:00Z", "ETH,Ethereum,1,2,1,1,2025-12-11T12:00:00Z", "SOL,Solana,1,1,1,1,2025-12-12T12:00:00Z"])
        try await loader.run("beta", ["XRP,XRP,1,1,1,1,2025-12-13T12:00:00Z"])
        let ids = try await loader.all().items.map(\.id)
        try require(ids == ["BTC", "ETH", "SOL", "XRP"], "records \(ids), expected by market cap then ticker")
        try require(try await loader.all(RecordQuery(source: "beta")).items.map(\.id) == ["XRP"], "the source filter does not hold")
        try require(try await loader.all(RecordQuery(ticker: "ETH")).total == 1, "the ticker filter does not hold")
        let day = 86_400.0, start = Date(timeIntervalSince1970: 1_765_368_000)
        let window = try await loader.all(RecordQuery(start: Timestamp(start + day), end: Timestamp(start + 2 * day))).items.map(\.id)
        try require(window == ["ETH", "SOL"], "the time window gave \(window), expected [ETH, SOL]")
        let page = try await loader.all(RecordQuery(limit: 2, offset: 2))
        try require(page.items.map(\.id) == ["SOL", "XRP"] && page.total == 4, "page 2 of 2 gave \(page.items.map(\.id)) of \(page.total)")
        let stats = try await store.statistics(logger: logger)
        try require(stats.totalNormalized == 4, "statistics count \(stats.totalNormalized) records")
        try require(stats.pipelines.map(\.pipeline) == ["alpha", "beta"], "statistics list \(stats.pipelines.map(\.pipeline))")
        try require(stats.pipelines.first?.totalProcessed == 3 && stats.pipelines.first?.lastSuccess != nil, "statistics of alpha are wrong")
        try require(Set(try await store.latestRuns(logger: logger).keys) == ["alpha", "beta"], "latest runs are not one per pipeline")
        try require(try await store.runs(RunQuery(pipeline: "beta", status: .success), logger: logger).total == 1, "the run filter does not hold")
        try await store.ping(logger: logger)
    }

    static func runLocks(_ loader: StoreLoader) async throws {
        let store = loader.store, logger = loader.logger
        let stale = try await store.startRun(pipeline: "gone", trigger: .cli, logger: logger)
        try require(try await store.recoverAbandonedRuns(logger: logger) == 1, "an abandoned run was not found")
        let status = try await store.run(id: stale, rejectionLimit: 1, logger: logger)?.run.status
        try require(status == .interrupted, "an abandoned run is \(status?.rawValue ?? "gone"), expected interrupted")
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseNow) = AsyncStream.makeStream(of: Void.self)
        async let holder: Void = store.withRunLock(pipeline: "p", logger: logger) {
            enter.yield()
            for await _ in release { break }
        }
        var iterator = entered.makeAsyncIterator()
        await iterator.next()
        var refused = false
        do {
            try await store.withRunLock(pipeline: "p", logger: logger) {}
        } catch is PipelineBusy {
            refused = true
        }
        releaseNow.yield()
        try await holder
        try require(refused, "a second holder got the run lock of a pipeline while it was held")
        try await store.withRunLock(pipeline: "p", logger: logger) {}
    }

    static func finishingAnUnknownRun(_ loader: StoreLoader) async throws {
        let unknown = RunID(Int64(Int32.max) - 7)
        let outcome: String
        do {
            _ = try await loader.store.finishRun(unknown, status: .success, message: nil, quality: RunQuality(), logger: loader.logger)
            outcome = "succeeded"
        } catch let missing as RunRecordMissing {
            try require(missing.run == unknown, "RunRecordMissing names run \(missing.run), expected \(unknown)")
            return
        } catch {
            outcome = "threw \(error)"
        }
        try require(
            false,
            "finishing run \(unknown), which the store never held, \(outcome); expected RunRecordMissing (a serving host retries any other error)")
    }

    static func migrationsAreIdempotent(_ loader: StoreLoader) async throws {
        let applied = try await loader.store.migrate(logger: loader.logger)
        try require(applied.isEmpty, "migrating a migrated store applied \(applied)")
    }
}
