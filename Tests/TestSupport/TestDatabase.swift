import ETLFramework
import Foundation
import Logging
import PostgresNIO
import ETLPostgresStore
import Testing

/// A fresh, empty PostgreSQL database for one test, created on the server named by
/// `TEST_DATABASE_URL` (see `scripts/test.sh`) and dropped afterwards.
///
/// Without that variable, Postgres tests are skipped locally but fail under `CI=true`.
package struct TestDatabase: Sendable {
    package let url: String
    package let name: String

    package static let serverURL = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]

    /// True when Postgres tests should run: a server is configured, or this is CI (where they must fail).
    package static let isEnabled = serverURL != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    /// Creates a database, runs `body` with it, drops it.
    package static func with<T>(_ body: (TestDatabase) async throws -> T) async throws -> T {
        guard let server = serverURL else {
            Issue.record("TEST_DATABASE_URL is not set: run the tests with scripts/test.sh")
            throw TestDatabaseUnavailable()
        }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        do {
            _ = try await admin(server) { try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
        } catch {
            throw TestDatabaseFailure(detail: String(reflecting: error))
        }
        let database = TestDatabase(url: replacingDatabase(in: server, with: String(name)), name: String(name))
        do {
            let result = try await body(database)
            _ = try? await admin(server) { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)")) }
            return result
        } catch {
            _ = try? await admin(server) { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)")) }
            throw error
        }
    }

    /// Runs `body` with a client connected to this database, for tests that query repeatedly.
    package func withClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await Self.admin(url, body)
    }

    /// The single integer of a one-row, one-column query, through `client`.
    package static func integer(_ sql: String, on client: PostgresClient) async throws -> Int {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) {
            return Int(value)
        }
        return 0
    }

    /// A migrated store on this database, running for the duration of `body`.
    package func withStore<T: Sendable>(
        retention: RetentionPolicy = RetentionPolicy(), migrateUpTo version: Int? = nil, settleAfterRows: Int = 100_000,
        _ body: @Sendable (PostgresStore) async throws -> T
    ) async throws -> T {
        let store = PostgresStore(
            url: try DatabaseURL(parsing: url), logger: TestLog.logger, retention: retention, settleAfterRows: settleAfterRows)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await store.run()
                return nil
            }
            defer { group.cancelAll() }
            _ = try await store.migrate(upTo: version, logger: TestLog.logger)
            return try await body(store)
        }
    }

    /// Runs `sql` and returns every row's columns as text (NULL as nil).
    package func rows(_ sql: String) async throws -> [[String?]] {
        try await Self.admin(url) { client in
            var rows: [[String?]] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql)) {
                rows.append(row.map(Self.text))
            }
            return rows
        }
    }

    /// A cell as text in psql's style: integers in decimal, booleans as t/f; cast other types to text in SQL.
    static func text(_ cell: PostgresCell) -> String? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int8: return (try? cell.decode(Int64.self)).map(String.init)
        case .int4: return (try? cell.decode(Int32.self)).map(String.init)
        case .int2: return (try? cell.decode(Int16.self)).map(String.init)
        case .bool: return (try? cell.decode(Bool.self)).map { $0 ? "t" : "f" }
        default: return (try? cell.decode(String.self)) ?? "<\(cell.dataType)>"
        }
    }

    /// The single value of a one-row, one-column query.
    package func scalar(_ sql: String) async throws -> String? {
        try await rows(sql).first?.first ?? nil
    }

    static func admin<T: Sendable>(_ url: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try DatabaseURL(parsing: url).clientConfiguration(), backgroundLogger: TestLog.quiet)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }
}

/// Creating a test database failed; carries the server's full reason.
package struct TestDatabaseFailure: Error, CustomStringConvertible {
    package var detail: String
    package var description: String { "cannot create a test database: \(detail)" }
}

/// No database server is configured for the tests.
package struct TestDatabaseUnavailable: Error, CustomStringConvertible {
    package var description: String { "TEST_DATABASE_URL is not set: run the tests with scripts/test.sh" }
}

/// Loggers for tests: warnings and worse on stderr.
package enum TestLog {
    package static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    package static let quiet: Logger = {
        var logger = Logger(label: "test-quiet")
        logger.logLevel = .critical
        return logger
    }()
}
