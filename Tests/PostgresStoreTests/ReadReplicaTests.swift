import CSVFileAdapter
import ETLFramework
import Foundation
import ETLPostgresStore
import Testing
import TestSupport

/// Reads from a streaming replica (`read_urls`), on a primary and a replica of the test's own: reads
/// go to the replica once it has replayed what this host knows of; a replica whose replay is paused
/// is never read from for newer data, and is skipped once beyond `max_lag`; a stopped one is skipped
/// and the primary serves; both come back.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set"), .serialized) struct ReadReplicaTests {
    static let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"

    static func load(_ store: PostgresStore, _ directory: URL, _ name: String, _ rows: String) async throws -> RunReport {
        try Data((header + rows).utf8).write(to: directory.appendingPathComponent(name))
        let source = CSVSource(path: directory.appendingPathComponent(name).path, displayPath: name)
        let pipeline = Pipeline(
            name: name, source: source, transforms: TransformChain(normalizer: Normalizer(mapping: CSVSource.defaultMapping)),
            batchSize: 1000, schedule: nil)
        return try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: TestLog.logger)
    }

    @Test func readsGoToTheReplicaNeverServeOlderDataAndFallBackToThePrimary() async throws {
        let primary = try await PrivatePostgres.start()
        defer { primary.stop() }
        let replica = try await primary.replica()
        defer { replica.stop() }
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = PostgresStore(
            url: try DatabaseURL(parsing: primary.url), logger: TestLog.logger, readURLs: [try DatabaseURL(parsing: replica.url)],
            maxLag: .seconds(2))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            // As a serving host does: every change notification raises what reads must see.
            group.addTask { try await store.watchChanges(logger: TestLog.logger) {} }
            defer { group.cancelAll() }
            _ = try await store.migrate(logger: TestLog.logger)
            let first = try await Self.load(store, directory, "a.csv", "AAA,A,1,1,1,1,2025-01-01T00:00:00Z\nBBB,B,2,1,1,1,2025-01-01T00:00:00Z\n")
            #expect(first.status == .success)
            func reads() -> Int { store.replicas().first?.reads ?? -1 }
            // Once the replica has replayed the load, reads go to it, and they see the load.
            #expect(
                try await eventually {
                    let before = reads()
                    let page = try await store.unifiedRecords(RecordQuery(limit: 50), logger: TestLog.logger)
                    return reads() == before + 1 && page.total == 2
                })
            #expect(store.replicas().first?.state == .ok)
            #expect(store.replicas().first?.name == replica.address)

            // Replay paused: the replica keeps the old data, but no read is served from it anymore.
            _ = try await replica.scalar("SELECT pg_wal_replay_pause()")
            #expect(try await Self.load(store, directory, "b.csv", "NEW,New,3,1,1,1,2025-01-02T00:00:00Z\n").status == .success)
            let paused = reads()
            for _ in 0..<20 {
                #expect(try await store.unifiedRecord(ticker: "NEW", logger: TestLog.logger)?.priceUSD == "3")
                #expect(try await store.unifiedRecords(RecordQuery(limit: 50), logger: TestLog.logger).total == 3)
            }
            #expect(reads() == paused)
            // Beyond max_lag it is reported as lagging, with the reason.
            #expect(try await eventually { store.replicas().first?.state == .lagging })
            #expect(store.replicas().first?.reason?.contains("behind the primary, more than max_lag (2.0 s)") == true)

            // Replay resumed: it catches up and serves again, the new data included.
            _ = try await replica.scalar("SELECT pg_wal_replay_resume()")
            #expect(try await eventually { store.replicas().first?.state == .ok })
            #expect(
                try await eventually {
                    let before = reads()
                    let record = try await store.unifiedRecord(ticker: "NEW", logger: TestLog.logger)
                    return reads() == before + 1 && record?.priceUSD == "3"
                })

            // The replica stops: every read is still answered, by the primary, and it is reported down.
            try await replica.halt()
            for _ in 0..<10 {
                #expect(try await store.unifiedRecords(RecordQuery(limit: 50), logger: TestLog.logger).total == 3)
                #expect(try await store.history(HistoryQuery(ticker: "AAA"), logger: TestLog.logger).total == 1)
            }
            #expect(try await eventually { store.replicas().first?.state == .down })
            #expect(store.replicas().first?.reason?.hasPrefix("replica \(store.replicas().first!.name) does not answer") == true)
            // Back: it serves reads again.
            try await replica.resume()
            #expect(try await eventually(20) { store.replicas().first?.state == .ok })
            #expect(
                try await eventually {
                    let before = reads()
                    _ = try await store.unifiedRecords(RecordQuery(limit: 50), logger: TestLog.logger)
                    return reads() == before + 1
                })
        }
    }
}
