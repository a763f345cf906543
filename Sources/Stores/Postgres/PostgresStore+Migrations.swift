import ETLFramework
import Logging
import PostgresNIO

extension PostgresStore {
    /// Applies pending migrations in order, each in its own transaction, under a transaction-level
    /// advisory lock so that hosts starting together do not race.
    package func migrate(logger: Logger) async throws -> [String] {
        try await migrate(upTo: nil, logger: logger)
    }

    /// Applies pending migrations up to `version` (all when `nil`): tests build a database of an
    /// earlier schema with it, to migrate it with its data.
    package func migrate(upTo version: Int?, logger: Logger) async throws -> [String] {
        try await probe(logger: logger)
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockNamespace), 0)", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query(
                    "SELECT version FROM schema_migrations", logger: logger
                ).decode(Int.self) {
                    applied.insert(version)
                }
                var names: [String] = []
                for migration in Migration.all where !applied.contains(migration.version) && migration.version <= (version ?? .max) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                    names.append("\(migration.version) \(migration.name)")
                    logger.info("migration applied", metadata: ["version": "\(migration.version)"])
                }
                return names
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "migrating the schema")
        }
    }

    /// First key of every advisory lock this store takes.
    static let lockNamespace: Int32 = 0x4B45_544C  // "KETL"
}
