import ETLFramework
import PostgresNIO
import ETLPostgresStore
import TestSupport
@testable import ETLSQLiteStore

/// Breaks a store under a running API on purpose (a table dropped), on either store.
enum StoreSabotage {
    static func dropTable(_ table: String, in store: any Store) async throws {
        if let postgres = store as? PostgresStore {
            _ = try await postgres.client.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table) CASCADE"), logger: TestLog.logger)
        } else if let sqlite = store as? SQLiteStore {
            _ = try await sqlite.transaction { connection in try await connection.query("DROP TABLE \(table)") }
        } else {
            preconditionFailure("no sabotage for \(type(of: store))")
        }
    }
}
