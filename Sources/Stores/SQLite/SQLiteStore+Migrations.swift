import ETLFramework
import Foundation
import Logging
import SQLiteNIO

/// The SQLite schema: the PostgreSQL one with SQLite types. Money is TEXT holding the exact decimal
/// (compared with `CAST(... AS REAL)` where an order is needed); times are REAL Unix seconds.
extension SQLiteStore {
    static let migrations: [(version: Int, name: String, statements: [String])] = [
        (
            1, "initial schema",
            [
                """
                CREATE TABLE etl_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline TEXT NOT NULL,
                    trigger TEXT NOT NULL CHECK (trigger IN ('cli', 'schedule', 'api')),
                    status TEXT NOT NULL CHECK (status IN ('running', 'success', 'failed', 'interrupted')),
                    started_at REAL NOT NULL, finished_at REAL, processed INTEGER NOT NULL DEFAULT 0,
                    quarantined INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, duration_ms INTEGER, message TEXT)
                """,
                "CREATE INDEX etl_runs_pipeline_id ON etl_runs (pipeline, id DESC)",
                """
                CREATE TABLE raw_records (
                    id TEXT PRIMARY KEY, source TEXT NOT NULL, content_hash BLOB NOT NULL, external_id TEXT,
                    payload TEXT NOT NULL, location TEXT NOT NULL, line INTEGER, run_id INTEGER NOT NULL, ingested_at REAL NOT NULL
                ) WITHOUT ROWID
                """,
                """
                CREATE TABLE source_assets (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, source_asset_id TEXT NOT NULL, ticker TEXT NOT NULL,
                    name TEXT, first_observed_at REAL NOT NULL, last_observed_at REAL NOT NULL, UNIQUE (source, source_asset_id))
                """,
                "CREATE INDEX source_assets_ticker ON source_assets (ticker)",
                """
                CREATE TABLE observations (
                    asset_ref INTEGER NOT NULL, observed_at REAL NOT NULL, ticker TEXT NOT NULL, price_usd TEXT NOT NULL,
                    market_cap_usd TEXT, volume_24h_usd TEXT, percent_change_24h TEXT, rank INTEGER, raw_id TEXT NOT NULL,
                    run_id INTEGER NOT NULL, ingested_at REAL NOT NULL, PRIMARY KEY (asset_ref, observed_at)
                ) WITHOUT ROWID
                """,
                """
                CREATE TABLE assets (
                    ticker TEXT NOT NULL, asset_key TEXT NOT NULL, name TEXT, price_usd TEXT NOT NULL, market_cap_usd TEXT,
                    volume_24h_usd TEXT, percent_change_24h TEXT, rank INTEGER, source TEXT NOT NULL, source_asset_id TEXT NOT NULL,
                    observed_at REAL NOT NULL, ingested_at REAL NOT NULL, PRIMARY KEY (ticker, asset_key)
                ) WITHOUT ROWID
                """,
                """
                CREATE TABLE normalized_records (
                    id TEXT PRIMARY KEY, ticker TEXT NOT NULL, name TEXT, price_usd TEXT NOT NULL, market_cap_usd TEXT,
                    volume_24h_usd TEXT, percent_change_24h TEXT, rank INTEGER, source TEXT NOT NULL, source_asset_id TEXT NOT NULL,
                    created_at REAL NOT NULL, ingested_at REAL NOT NULL)
                """,
                "CREATE INDEX normalized_records_source_id ON normalized_records (source, id)",
                "CREATE INDEX normalized_records_created_at ON normalized_records (created_at)",
                """
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL, source TEXT NOT NULL, location TEXT NOT NULL,
                    line INTEGER, field TEXT, reason TEXT NOT NULL, raw TEXT NOT NULL, created_at REAL NOT NULL)
                """,
                "CREATE INDEX quarantine_run ON quarantine (run_id)",
                """
                CREATE TABLE checkpoints (
                    pipeline TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, run_id INTEGER NOT NULL, updated_at REAL NOT NULL)
                """,
            ]
        ),
        (2, "filtered counter", ["ALTER TABLE etl_runs ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0"]),
        (
            3, "unified record counts and membership version",
            [
                // As in PostgreSQL: counts per source and a membership version, kept by triggers.
                "CREATE TABLE unified_counts (source TEXT PRIMARY KEY, records INTEGER NOT NULL CHECK (records >= 0))",
                "CREATE TABLE unified_members (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), version INTEGER NOT NULL)",
                "INSERT INTO unified_members (singleton, version) VALUES (1, 1)",
                "INSERT INTO unified_counts (source, records) SELECT source, count(*) FROM normalized_records GROUP BY source",
                """
                CREATE TRIGGER unified_record_added AFTER INSERT ON normalized_records BEGIN
                    INSERT INTO unified_counts (source, records) VALUES (NEW.source, 1)
                    ON CONFLICT (source) DO UPDATE SET records = records + 1;
                    UPDATE unified_members SET version = version + 1;
                END
                """,
                """
                CREATE TRIGGER unified_record_removed AFTER DELETE ON normalized_records BEGIN
                    UPDATE unified_counts SET records = records - 1 WHERE source = OLD.source;
                    UPDATE unified_members SET version = version + 1;
                END
                """,
                """
                CREATE TRIGGER unified_record_moved AFTER UPDATE OF id, source ON normalized_records
                WHEN OLD.source IS NOT NEW.source OR OLD.id IS NOT NEW.id BEGIN
                    UPDATE unified_counts SET records = records - 1 WHERE source = OLD.source;
                    INSERT INTO unified_counts (source, records) VALUES (NEW.source, 1)
                    ON CONFLICT (source) DO UPDATE SET records = records + 1;
                    UPDATE unified_members SET version = version + 1;
                END
                """,
            ]
        ),
        (
            4, "lighter per-batch writes",
            [
                // As in PostgreSQL: source assets are written when new or renamed, not with every batch.
                "ALTER TABLE source_assets DROP COLUMN first_observed_at",
                "ALTER TABLE source_assets DROP COLUMN last_observed_at",
            ]
        ),
        (
            5, "run checks and anomalies",
            [
                // As in PostgreSQL: check results, tickers received, the compared run, and anomalies.
                "ALTER TABLE etl_runs ADD COLUMN anomalies INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE etl_runs ADD COLUMN checks TEXT",
                "ALTER TABLE etl_runs ADD COLUMN tickers TEXT",
                "ALTER TABLE etl_runs ADD COLUMN compared_run_id INTEGER",
                """
                CREATE TABLE run_anomalies (
                    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, source TEXT NOT NULL, ticker TEXT NOT NULL,
                    source_asset_id TEXT NOT NULL, observed_at REAL NOT NULL, price_usd TEXT NOT NULL,
                    previous_price_usd TEXT NOT NULL, previous_observed_at REAL NOT NULL, previous_source TEXT NOT NULL,
                    change REAL NOT NULL, raw_id TEXT NOT NULL)
                """,
                "CREATE INDEX run_anomalies_run ON run_anomalies (run_id, id)",
            ]
        ),
        (
            6, "raw payloads keep their observation time",
            [
                // As in PostgreSQL, retention counts a raw payload's age by its record's observation time;
                // NULL for a payload without one (rejected before a time was read), which is kept.
                "ALTER TABLE raw_records ADD COLUMN observed_at REAL",
                """
                UPDATE raw_records SET observed_at = o.at
                FROM (SELECT raw_id, min(observed_at) AS at FROM observations GROUP BY raw_id) AS o
                WHERE o.raw_id = raw_records.id
                """,
            ]
        ),
        (
            7, "raw payloads stored in arrival order",
            [
                // A raw payload's id is a content hash. In a WITHOUT ROWID table the payloads lived in the
                // id's B-tree, so a batch of new payloads landed on as many scattered pages. In a rowid
                // table they are appended, and only the small unique index on the id takes scattered
                // writes (1,000,000 rows in one transaction: 12.5 s -> 6.4 s).
                """
                CREATE TABLE raw_records_in_arrival_order (
                    id TEXT NOT NULL, source TEXT NOT NULL, content_hash BLOB NOT NULL, external_id TEXT,
                    payload TEXT NOT NULL, location TEXT NOT NULL, line INTEGER, run_id INTEGER NOT NULL, ingested_at REAL NOT NULL,
                    observed_at REAL)
                """,
                """
                INSERT INTO raw_records_in_arrival_order
                    (id, source, content_hash, external_id, payload, location, line, run_id, ingested_at, observed_at)
                SELECT id, source, content_hash, external_id, payload, location, line, run_id, ingested_at, observed_at
                FROM raw_records ORDER BY run_id, line, id
                """,
                "DROP TABLE raw_records",
                "ALTER TABLE raw_records_in_arrival_order RENAME TO raw_records",
                "CREATE UNIQUE INDEX raw_records_id ON raw_records (id)",
            ]
        ),
    ]

    package func migrate(logger: Logger) async throws -> [String] {
        try await migrate(upTo: nil, logger: logger)
    }

    /// Applies the migrations not yet applied, up to `version` (all when nil: tests stop earlier to
    /// build a database of an older schema); returns their names.
    package func migrate(upTo version: Int?, logger: Logger) async throws -> [String] {
        do {
            return try await transaction { connection in
                _ = try await connection.query(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)")
                let applied = Set(
                    try await connection.query("SELECT version FROM schema_migrations").compactMap {
                        $0.column("version")?.integer
                    })
                var names: [String] = []
                for migration in Self.migrations where !applied.contains(migration.version) && migration.version <= version ?? .max {
                    for statement in migration.statements { _ = try await connection.query(statement) }
                    _ = try await connection.query(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        [.integer(migration.version), .text(migration.name), .float(Self.now())])
                    names.append("\(migration.version) \(migration.name)")
                    logger.info("migration applied", metadata: ["version": "\(migration.version)"])
                }
                return names
            }
        } catch {
            throw SQLiteStoreError.wrap(error, while: "migrating the schema")
        }
    }

    static func now() -> Double { Date().timeIntervalSince1970 }
}
