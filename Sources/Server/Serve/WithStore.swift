import ETLFramework
import Logging

/// Connects, migrates, recovers abandoned runs (and publishes what they stored) and, unless told not to (`host migrate`, `host reset`),
/// runs one maintenance pass (partitions ahead, retention); then runs `body` (given the migrations
/// applied) while the store's connections run, then stops them.
package func withStore<T: Sendable>(
    _ store: any Store, logger: Logger, maintain: Bool = true, _ body: @escaping @Sendable ([String]) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await store.run()
            return nil
        }
        defer { group.cancelAll() }
        let applied = try await withDeadline(.seconds(20), doing: "connecting to the database and migrating its schema") {
            let applied = try await store.migrate(logger: logger)
            _ = try await store.recoverAbandonedRuns(logger: logger)
            return applied
        }
        do {
            // Each publication has its own deadlines; a database that fails here is told again at
            // the next run of each pipeline, which publishes what its earlier runs left.
            try await store.publishPending(logger: logger)
        } catch {
            logger.error("runs left unpublished could not be published yet", metadata: ["error": "\(RunFailure.message(for: error))"])
        }
        if maintain { await Maintenance.run(store, logger: logger) }
        return try await body(applied)
    }
}
