import ETLFramework
import Foundation
import ETLPostgresStore
import Testing
import TestSupport

@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct RunLogTests {
    @Test func aRunLeftRunningByACrashIsMarkedInterruptedAtTheNextStart() async throws {
        try await Harness.with { harness in
            _ = try await harness.database.rows(
                "INSERT INTO etl_runs (pipeline, trigger, status) VALUES ('csv', 'cli', 'running') RETURNING id")
            _ = try harness.write("a.csv", header + "BTC,Bitcoin,100,1000,10,1,2025-01-01T00:00:00Z\n")
            let report = try await harness.run("csv", file: "a.csv")
            let runs = try await harness.database.rows("SELECT id, status, finished_at IS NOT NULL FROM etl_runs ORDER BY id")
            #expect(runs == [["1", "interrupted", "t"], ["\(report.runID)", "success", "t"]])
            let message = try await harness.database.scalar("SELECT message FROM etl_runs WHERE id = 1")
            #expect(message?.hasPrefix("the process running it stopped before finishing (crash or kill)") == true, "\(message ?? "")")
        }
    }

    @Test func recoveryInterruptsOnlyRunsWhoseLockNobodyHolds() async throws {
        try await Harness.with { harness in
            let store = harness.store
            _ = try await harness.database.rows(
                "INSERT INTO etl_runs (pipeline, trigger, status) VALUES ('gone', 'cli', 'running') RETURNING id")
            let (entered, enter) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseNow) = AsyncStream.makeStream(of: Void.self)
            async let holder: Void = store.withRunLock(pipeline: "live", logger: TestLog.logger) {
                _ = try await store.startRun(pipeline: "live", trigger: .cli, logger: TestLog.logger)
                enter.yield()
                for await _ in release { break }
            }
            var iterator = entered.makeAsyncIterator()
            await iterator.next()
            let recovered = try await store.recoverAbandonedRuns(logger: TestLog.logger)
            let statuses = try await harness.database.rows("SELECT pipeline, status FROM etl_runs ORDER BY id")
            releaseNow.yield()
            try await holder
            #expect(recovered == 1)
            #expect(statuses == [["gone", "interrupted"], ["live", "running"]])
        }
    }

    @Test func aPipelineRunsOnceAtATime() async throws {
        try await Harness.with { harness in
            _ = try harness.write("a.csv", header + "BTC,Bitcoin,100,1000,10,1,2025-01-01T00:00:00Z\n")
            let store = harness.store
            let pipeline = harness.pipeline("csv", file: "a.csv")
            let (entered, enter) = AsyncStream.makeStream(of: RunID.self)
            let (release, releaseNow) = AsyncStream.makeStream(of: Void.self)
            async let holder: Void = store.withRunLock(pipeline: "csv", logger: TestLog.logger) {
                let id = try await store.startRun(pipeline: "csv", trigger: .api, logger: TestLog.logger)
                enter.yield(id)
                for await _ in release { break }
                _ = try await store.finishRun(id, status: .success, message: nil, quality: RunQuality(), logger: TestLog.logger)
            }
            var iterator = entered.makeAsyncIterator()
            let holding = await iterator.next()
            do {
                _ = try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: TestLog.logger)
                Issue.record("a second run started while the first held the lock")
            } catch let busy as PipelineBusy {
                #expect(busy.runningRun == holding)
                #expect(busy.description == "pipeline csv is already running (run \(holding!))")
            }
            releaseNow.yield()
            try await holder
            let after = try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: TestLog.logger)
            #expect(after.status == .success)
        }
    }

    @Test func migrationsAreRecordedAndIdempotent() async throws {
        try await Harness.with { harness in
            let applied = try await harness.store.migrate(logger: TestLog.logger)
            let recorded = try await harness.database.rows("SELECT version, name FROM schema_migrations")
            #expect(applied.isEmpty)
            #expect(
                recorded == [
                    ["1", "initial schema"], ["2", "filtered counter"], ["3", "unified record counts and membership version"],
                    ["4", "lighter per-batch writes"], ["5", "run checks and anomalies"], ["6", "history partitioned by month"],
                    ["7", "one lock order for the unified counts"], ["8", "latest state published at the end of a run"],
                    ["9", "raw payloads as text"], ["10", "raw records keyed by time first"],
                ])
        }
    }
}
