import ETLFramework
import Foundation
import ETLPostgresStore
import PostgresNIO
import Testing
import TestSupport

/// A pool whose connections are all taken by other work (the batches of concurrent runs) is busy,
/// not down: a ping waits for a free connection instead of failing after a second.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct BusyPoolTests {
    @Test func aPingWaitsForABusyPoolInsteadOfFailing() async throws {
        try await Harness.with { harness in
            let store = harness.store
            try await store.ping(logger: TestLog.logger)
            // Every connection of the pool (16) sleeps for three seconds.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        _ = try await store.client.query("SELECT pg_sleep(3)", logger: TestLog.logger).collect()
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                let started = ContinuousClock.now
                try await store.ping(logger: TestLog.logger)
                #expect(ContinuousClock.now - started > .seconds(1), "the ping did not wait for the busy pool")
                try await group.waitForAll()
            }
        }
    }
}
