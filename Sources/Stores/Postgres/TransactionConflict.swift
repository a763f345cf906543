import Logging
import Metrics
import PostgresNIO

/// A transaction that PostgreSQL aborted because of another one (a deadlock, or a serialization
/// failure): nothing of it is kept, and running it again is safe.
package struct TransactionConflict: Sendable {
    /// `deadlock` (SQLSTATE 40P01) or `serialization` (40001).
    package var kind: String

    package init?(_ error: any Error) {
        guard let psql = PostgresStoreError.unwrapped(error) as? PSQLError else { return nil }
        switch psql.serverInfo?[.sqlState] {
        case "40P01": kind = "deadlock"
        case "40001": kind = "serialization"
        default: return nil
        }
    }

    /// How many times a conflicting batch is tried in all.
    package static let attempts = 6

    /// The pause before try `attempt + 1`: random in [0, 50 ms x 2^attempt), so that the conflicting
    /// transactions do not meet again in step.
    static func pause(after attempt: Int) -> Duration {
        .milliseconds(Int.random(in: 0..<(50 << min(attempt, 6))))
    }

    /// Runs `body` again while it fails with a conflict, up to ``attempts`` times; each retry is
    /// logged and counted in `etl_store_transaction_retries_total`.
    package static func retrying<T: Sendable>(
        _ operation: String, pipeline: String, logger: Logger, _ body: () async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch {
                guard attempt < attempts, let conflict = TransactionConflict(error) else { throw error }
                Counter(
                    label: "etl_store_transaction_retries_total", dimensions: [("pipeline", pipeline), ("reason", conflict.kind)]
                ).increment()
                let pause = pause(after: attempt)
                logger.warning(
                    "transaction conflicted with another; trying again",
                    metadata: [
                        "operation": "\(operation)", "reason": "\(conflict.kind)", "attempt": "\(attempt)",
                        "pause_ms": "\(pause.inMilliseconds)",
                    ])
                try await Task.sleep(for: pause)
                attempt += 1
            }
        }
    }
}
