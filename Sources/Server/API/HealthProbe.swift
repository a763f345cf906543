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
    /// `/health` answers within this, whatever the database does: a probe must never hang.
    let deadline: Duration
    private let last = Mutex<(checked: ContinuousClock.Instant, result: Database)?>(nil)

    init(store: any QueryStore, logger: Logger, deadline: Duration = .seconds(2)) {
        self.store = store
        self.deadline = deadline
        self.logger = logger
    }

    /// The database's state, at most ``maxAge`` old unless `fresh`.
    func check(fresh: Bool = false) async -> Database {
        if !fresh, let last = last.withLock({ $0 }), ContinuousClock.now - last.checked < maxAge { return last.result }
        let result: Database
        do {
            let store = self.store, logger = self.logger
            try await withDeadline(deadline, doing: "pinging the database") { try await store.ping(logger: logger) }
            result = .connected
        } catch {
            logger.warning("database check failed", metadata: ["error": "\(String(reflecting: error))"])
            result = .unreachable(error is DeadlineExceeded ? "no answer within \(deadline)" : "the database does not answer")
        }
        last.withLock { $0 = (ContinuousClock.now, result) }
        return result
    }
}
