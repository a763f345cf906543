import ETLFramework
import Logging
import PostgresNIO

/// Change notifications: every committed batch and every run start or end sends a `NOTIFY` on
/// ``changeChannel``; hosts listening on it drop their cached answers.
extension PostgresStore {
    static let changeChannel = "etl_changes"

    /// The statement that announces a change when its transaction commits.
    static let notifyChange: PostgresQuery = "SELECT pg_notify('etl_changes', '')"

    package func watchChanges(logger: Logger, onChange: @escaping @Sendable () -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: Self.changeChannel) { notifications in
                onChange()  // anything may have changed while nobody listened
                for try await _ in notifications { onChange() }
            }
        }
    }
}
