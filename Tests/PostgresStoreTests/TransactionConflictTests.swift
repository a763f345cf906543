import Logging
import PostgresNIO
import ETLPostgresStore
import Synchronization
import Testing
import TestSupport

/// What a batch does when PostgreSQL aborts its transaction because of another one: a real
/// deadlock between two transactions is recognised, and the work is tried again, a bounded number
/// of times; any other error is not.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct TransactionConflictTests {
    /// Two transactions that lock rows 1 and 2 in opposite orders, each taking its second row only
    /// once both hold their first: PostgreSQL aborts one with 40P01.
    /// How many of the two transactions hold their first row.
    final class Holding: Sendable {
        let count = Mutex(0)
    }

    static func deadlock(on client: PostgresClient) async -> (any Error)? {
        let holding = Holding()
        async let first: (any Error)? = lock(1, then: 2, on: client, holding: holding)
        async let second: (any Error)? = lock(2, then: 1, on: client, holding: holding)
        let (a, b) = await (first, second)
        return a ?? b
    }

    static func lock(_ a: Int, then b: Int, on client: PostgresClient, holding: Holding) async -> (any Error)? {
        do {
            try await client.withTransaction(logger: TestLog.logger) { connection in
                try await connection.query("UPDATE d SET v = v + 1 WHERE k = \(a)", logger: TestLog.logger)
                holding.count.withLock { $0 += 1 }
                while holding.count.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
                try await connection.query("UPDATE d SET v = v + 1 WHERE k = \(b)", logger: TestLog.logger)
            }
            return nil
        } catch {
            return error
        }
    }

    @Test func aDeadlockIsRecognisedAndTriedAgain() async throws {
        try await TestDatabase.with { database in
            try await database.withClient { client in
                try await client.query("CREATE TABLE d (k int PRIMARY KEY, v int NOT NULL)", logger: TestLog.logger)
                try await client.query("INSERT INTO d VALUES (1, 0), (2, 0)", logger: TestLog.logger)
                let error = try #require(await Self.deadlock(on: client))
                #expect(TransactionConflict(error)?.kind == "deadlock")

                var attempts = 0
                let answer = try await TransactionConflict.retrying("a test", pipeline: "p", logger: TestLog.logger) {
                    attempts += 1
                    if attempts < 3 { throw error }
                    return 42
                }
                #expect(answer == 42)
                #expect(attempts == 3)

                attempts = 0
                await #expect(throws: (any Error).self) {
                    try await TransactionConflict.retrying("a test", pipeline: "p", logger: TestLog.logger) {
                        attempts += 1
                        throw error
                    }
                }
                #expect(attempts == TransactionConflict.attempts)

                attempts = 0
                struct Other: Error {}
                await #expect(throws: Other.self) {
                    try await TransactionConflict.retrying("a test", pipeline: "p", logger: TestLog.logger) {
                        attempts += 1
                        throw Other()
                    }
                }
                #expect(attempts == 1)
            }
        }
    }
}
