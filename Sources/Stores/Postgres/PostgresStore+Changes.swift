import ETLFramework
import Logging
import PostgresNIO

/// Change notifications: every committed batch and every run start or end sends a `NOTIFY` on
/// ``changeChannel``; hosts listening on it drop their cached answers.
extension PostgresStore {
    static let changeChannel = "etl_changes"

    /// The statement that announces a change when its transaction commits.
    static let notifyChange: PostgresQuery = "SELECT pg_notify('etl_changes', '')"

    /// With read replicas, each change first raises the floor of the positions reads may be served
    /// from (see ``ReadReplicas``), so that a cache emptied by it is refilled only with data as new.
    package func watchChanges(logger: Logger, onChange: @escaping @Sendable () -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: Self.changeChannel) { notifications in
                // Anything may have changed while nobody listened.
                await noteChange(logger: logger)
                onChange()
                for try await _ in notifications {
                    await noteChange(logger: logger)
                    onChange()
                }
            }
        }
    }
}
