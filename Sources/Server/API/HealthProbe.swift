import ETLFramework
import Foundation
import Logging
import Synchronization

/// Checks the database with a deadline, and remembers the answer for up to a second so that
/// `/health` stays cheap under load.
final class HealthProbe: Sendable {
    enum Database: Sendable {
        case connected
        case unreachable(String)
    }

    let store: any QueryStore
    let logger: Logger
    let maxAge: Duration = .seconds(1)
    private let last = Mutex<(checked: ContinuousClock.Instant, result: Database)?>(nil)

    init(store: any QueryStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// The database's state, at most ``maxAge`` old unless `fresh`.
    func check(fresh: Bool = false) async -> Database {
        if !fresh, let last = last.withLock({ $0 }), ContinuousClock.now - last.checked < maxAge { return last.result }
        let result: Database
        do {
            let store = self.store, logger = self.logger
            try await withDeadline(.seconds(2), doing: "pinging the database") { try await store.ping(logger: logger) }
            result = .connected
        } catch {
            logger.warning("database check failed", metadata: ["error": "\(String(reflecting: error))"])
            result = .unreachable(error is DeadlineExceeded ? "no answer within 2 seconds" : "the database does not answer")
        }
        last.withLock { $0 = (ContinuousClock.now, result) }
        return result
    }
}
