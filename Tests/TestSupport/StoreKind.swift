import ETLFramework
import Foundation
import ETLPostgresStore
import ETLSQLiteStore

/// The stores every store-dependent test runs against: the same test, the same expectations.
package enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case postgres, sqlite

    package var description: String { rawValue }

    /// A fresh, migrated store of this kind for `body`, with a scratch directory for CSV files.
    package func with(retention: RetentionPolicy = RetentionPolicy(), _ body: @Sendable (any Store, URL) async throws -> Void) async throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        switch self {
        case .postgres:
            try await TestDatabase.with { database in
                try await database.withStore(retention: retention) { store in try await body(store, directory) }
            }
        case .sqlite:
            let store = SQLiteStore(path: directory.appendingPathComponent("db/etl.sqlite").path, retention: retention)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
                defer { group.cancelAll() }
                _ = try await store.migrate(logger: TestLog.logger)
                try await body(store, directory)
            }
        }
    }

    /// Whether this kind can run here (PostgreSQL needs a server; under CI it must have one).
    package static let available: [StoreKind] = TestDatabase.isEnabled ? allCases : [.sqlite]
}
