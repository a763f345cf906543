import ETLFramework
import ETLPostgresStore
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport

/// The store as a run that dies after its batches and before its publication leaves it: every batch
/// committed, nothing published.
struct UnpublishingSink: Sink {
    let store: PostgresStore
    func prepare(_ batch: LoadBatch) -> EncodedBatch { store.prepare(batch) }
    func write(_ batch: EncodedBatch, logger: Logger) async throws -> RunCounters { try await store.write(batch, logger: logger) }
}

/// The store writing the latest state with every batch, as for a batch written on its own.
struct BatchByBatchSink: Sink {
    let store: PostgresStore
    func prepare(_ batch: LoadBatch) -> EncodedBatch {
        var batch = batch
        batch.defersLatestState = false
        return store.prepare(batch)
    }
    func write(_ batch: EncodedBatch, logger: Logger) async throws -> RunCounters { try await store.write(batch, logger: logger) }
}

/// The latest state is published at the end of a run; a run killed before that keeps its marks,
/// its history stays out of reads, and the next run or start publishes it.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct LatestPublicationTests {
    static let first = header + "BTC,Bitcoin,100,1000,10,1,2025-01-01T00:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\n"
    static let later = "BTC,Bitcoin,200,2000,10,1,2025-01-02T00:00:00Z\nBTC,Bitcoin,300,3000,10,1,2025-01-03T00:00:00Z\n"

    /// Loads `first`, then `later` with a run that never publishes; returns its id.
    static func unpublishedRun(_ harness: Harness) async throws -> RunID {
        _ = try harness.write("a.csv", first)
        try await harness.run("csv", file: "a.csv")
        try harness.append("a.csv", later)
        let store = harness.store
        let runner = PipelineRunner(
            sink: UnpublishingSink(store: store), checkpoints: store, runLog: store, callDeadline: store.callDeadline)
        let report = try await runner.run(harness.pipeline("csv", file: "a.csv", batchSize: 1), trigger: .cli, logger: TestLog.logger)
        #expect(report.status == .success)
        #expect(report.counters.processed == 2)
        return report.runID
    }

    static func btcHistory(_ harness: Harness) async throws -> [String] {
        try await harness.store.history(HistoryQuery(ticker: "BTC"), logger: TestLog.logger).items.map { "\($0.priceUSD)" }
    }

    @Test func anUnpublishedRunIsLeftOutOfTheHistoryAndPublishedByTheNextRun() async throws {
        try await Harness.with { harness in
            let run = try await Self.unpublishedRun(harness)
            // Stored and checkpointed. The run's first batch brought BTC to the run and wrote its latest
            // state (200); the second (300) waits for the publication, and the history leaves out the
            // whole run meanwhile: the unified record is never older than the history beside it.
            #expect(try await harness.count("observations") == 4)
            #expect(try await harness.unified("BTC")?[1] == "200")
            #expect(try await Self.btcHistory(harness) == ["100"])
            #expect(try await harness.database.scalar("SELECT latest_pending FROM etl_runs WHERE id = \(run)") == "t")
            #expect(try await harness.count("latest_pending_assets") == 1)

            // The next run has nothing new to read, and publishes what the last one left first.
            let next = try await harness.run("csv", file: "a.csv")
            #expect(next.status == .success)
            #expect(next.counters == RunCounters())
            #expect(try await harness.unified("BTC")?[1] == "300")
            #expect(try await harness.unified("ETH")?[1] == "10")
            #expect(try await Self.btcHistory(harness) == ["300", "200", "100"])
            #expect(try await harness.database.scalar("SELECT count(*) FROM etl_runs WHERE latest_pending") == "0")
            #expect(try await harness.count("latest_pending_assets") == 0)
        }
    }

    @Test func aStartingHostPublishesWhatRunsLeft() async throws {
        try await Harness.with { harness in
            _ = try await Self.unpublishedRun(harness)
            try await harness.store.publishPending(logger: TestLog.logger)
            #expect(try await harness.unified("BTC")?[1] == "300")
            #expect(try await harness.database.scalar("SELECT price_usd::text FROM assets WHERE ticker = 'BTC'") == "300")
            #expect(try await Self.btcHistory(harness) == ["300", "200", "100"])
            // Publishing again changes nothing.
            try await harness.store.publishPending(logger: TestLog.logger)
            try await harness.store.publish(run: RunID(2), logger: TestLog.logger)
            #expect(try await harness.unified("BTC")?[1] == "300")
        }
    }

    @Test func aPublishedRunGivesTheLatestStateOfBatchByBatchWrites() async throws {
        // The same rows in batches of one, published at the run's end, and in batches of 1,000 with the
        // latest state written with each batch: the same assets and unified records.
        let rows = (0..<40).map { i in
            "T\(i % 7),Token \(i % 7),\(i + 1),\(1000 - i),1,1,2025-01-\(String(format: "%02d", 1 + i % 20))T00:00:00Z"
        }
        let csv = header + rows.joined(separator: "\n") + "\n"
        let collected = Mutex<[[[String?]]]>([])
        for batchSize in [1, 1000] {
            try await Harness.with { harness in
                _ = try harness.write("a.csv", csv)
                if batchSize == 1 {
                    try await harness.run("csv", file: "a.csv", batchSize: 1)
                } else {
                    let store = harness.store
                    let runner = PipelineRunner(
                        sink: BatchByBatchSink(store: store), checkpoints: store, runLog: store, callDeadline: store.callDeadline)
                    _ = try await runner.run(harness.pipeline("csv", file: "a.csv"), trigger: .cli, logger: TestLog.logger)
                }
                let state =
                    try await harness.database.rows(
                        "SELECT id, price_usd::text, created_at::text, source_asset_id FROM normalized_records ORDER BY id")
                    + harness.database.rows("SELECT ticker, asset_key, price_usd::text, observed_at::text FROM assets ORDER BY 1, 2")
                collected.withLock { $0.append(state) }
            }
        }
        let states = collected.withLock { $0 }
        #expect(states.count == 2)
        #expect(states.first?.count == 14)
        #expect(states.first == states.last)
    }

    @Test func aLargeRunEndsWithTheTablesItWroteVacuumed() async throws {
        // With the threshold at 3 rows: a run of 4 new observations vacuums, a re-run of nothing new does not.
        try await TestDatabase.with { database in
            try await database.withStore(settleAfterRows: 3) { store in
                let directory = try Paths.scratchDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                let harness = Harness(database: database, store: store, directory: directory)
                _ = try harness.write("a.csv", Self.first + Self.later)
                let vacuums =
                    "SELECT coalesce(sum(vacuum_count), 0)::text FROM pg_stat_user_tables WHERE relname IN ('normalized_records', 'assets', 'source_assets')"
                #expect(try await database.scalar(vacuums) == "0")
                try await harness.run("csv", file: "a.csv", batchSize: 2)
                // The statistics collector reports a little later.
                #expect(try await eventually(10) { try await database.scalar(vacuums) == "3" })
                try await harness.run("csv", file: "a.csv")
                try await Task.sleep(for: .seconds(1))
                #expect(try await database.scalar(vacuums) == "3")
            }
        }
    }
}
