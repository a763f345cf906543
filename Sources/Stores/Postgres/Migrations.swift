/// The versioned schema. Each migration is a list of statements applied in one transaction and
/// recorded in `schema_migrations`; applied migrations are never edited, only followed by new ones.
struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: [String]

    static let all: [Migration] = [
        Migration(
            version: 1, name: "initial schema",
            statements: [
                """
                CREATE TABLE etl_runs (
                    id BIGSERIAL PRIMARY KEY,
                    pipeline TEXT NOT NULL,
                    trigger TEXT NOT NULL CHECK (trigger IN ('cli', 'schedule', 'api')),
                    status TEXT NOT NULL CHECK (status IN ('running', 'success', 'failed', 'interrupted')),
                    started_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
                    finished_at TIMESTAMPTZ,
                    processed BIGINT NOT NULL DEFAULT 0,
                    quarantined BIGINT NOT NULL DEFAULT 0,
                    skipped BIGINT NOT NULL DEFAULT 0,
                    duration_ms BIGINT,
                    message TEXT
                )
                """,
                "CREATE INDEX etl_runs_pipeline_id ON etl_runs (pipeline, id DESC)",
                "CREATE INDEX etl_runs_running ON etl_runs (pipeline) WHERE status = 'running'",
                """
                CREATE TABLE raw_records (
                    id UUID PRIMARY KEY,
                    source TEXT NOT NULL,
                    content_hash BYTEA NOT NULL,
                    external_id TEXT,
                    payload JSON NOT NULL,
                    location TEXT NOT NULL,
                    line BIGINT,
                    run_id BIGINT NOT NULL,
                    ingested_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE source_assets (
                    id SERIAL PRIMARY KEY,
                    source TEXT COLLATE "C" NOT NULL,
                    source_asset_id TEXT COLLATE "C" NOT NULL,
                    ticker TEXT COLLATE "C" NOT NULL,
                    name TEXT,
                    first_observed_at TIMESTAMPTZ NOT NULL,
                    last_observed_at TIMESTAMPTZ NOT NULL,
                    UNIQUE (source, source_asset_id)
                )
                """,
                "CREATE INDEX source_assets_ticker ON source_assets (ticker)",
                """
                CREATE TABLE observations (
                    asset_ref INTEGER NOT NULL,
                    observed_at TIMESTAMPTZ NOT NULL,
                    ticker TEXT COLLATE "C" NOT NULL,
                    price_usd NUMERIC NOT NULL,
                    market_cap_usd NUMERIC,
                    volume_24h_usd NUMERIC,
                    percent_change_24h NUMERIC,
                    rank INTEGER,
                    raw_id UUID NOT NULL,
                    run_id BIGINT NOT NULL,
                    ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    PRIMARY KEY (asset_ref, observed_at)
                )
                """,
                """
                CREATE TABLE assets (
                    ticker TEXT COLLATE "C" NOT NULL,
                    asset_key TEXT COLLATE "C" NOT NULL,
                    name TEXT,
                    price_usd NUMERIC NOT NULL,
                    market_cap_usd NUMERIC,
                    volume_24h_usd NUMERIC,
                    percent_change_24h NUMERIC,
                    rank INTEGER,
                    source TEXT NOT NULL,
                    source_asset_id TEXT NOT NULL,
                    observed_at TIMESTAMPTZ NOT NULL,
                    ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    PRIMARY KEY (ticker, asset_key)
                )
                """,
                """
                CREATE TABLE normalized_records (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    ticker TEXT COLLATE "C" NOT NULL,
                    name TEXT,
                    price_usd NUMERIC NOT NULL,
                    market_cap_usd NUMERIC,
                    volume_24h_usd NUMERIC,
                    percent_change_24h NUMERIC,
                    rank INTEGER,
                    source TEXT COLLATE "C" NOT NULL,
                    source_asset_id TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL,
                    ingested_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX normalized_records_source_id ON normalized_records (source, id)",
                "CREATE INDEX normalized_records_created_at ON normalized_records (created_at)",
                """
                CREATE TABLE quarantine (
                    id BIGSERIAL PRIMARY KEY,
                    run_id BIGINT NOT NULL,
                    source TEXT NOT NULL,
                    location TEXT NOT NULL,
                    line BIGINT,
                    field TEXT,
                    reason TEXT NOT NULL,
                    raw TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX quarantine_run ON quarantine (run_id)",
                """
                CREATE TABLE checkpoints (
                    pipeline TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    state JSONB NOT NULL,
                    run_id BIGINT NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
            ]),
        Migration(
            version: 2, name: "filtered counter",
            statements: [
                "ALTER TABLE etl_runs ADD COLUMN filtered BIGINT NOT NULL DEFAULT 0"
            ]),
        Migration(
            version: 3, name: "unified record counts and membership version",
            statements: [
                // How many unified records each source holds, and a version that changes whenever a
                // ticker is added, removed or moves to another source. Triggers keep both, so every
                // change of normalized_records (one made by hand too) keeps them true.
                """
                CREATE TABLE unified_counts (
                    source TEXT COLLATE "C" PRIMARY KEY,
                    records BIGINT NOT NULL CHECK (records >= 0)
                )
                """,
                """
                CREATE TABLE unified_members (
                    singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
                    version BIGINT NOT NULL
                )
                """,
                "INSERT INTO unified_members (version) VALUES (1)",
                "INSERT INTO unified_counts (source, records) SELECT source, count(*) FROM normalized_records GROUP BY source",
                """
                CREATE FUNCTION unified_records_added() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO unified_counts AS c (source, records)
                    SELECT source, count(*) FROM added GROUP BY source
                    ON CONFLICT (source) DO UPDATE SET records = c.records + EXCLUDED.records;
                    IF FOUND THEN
                        UPDATE unified_members SET version = version + 1;
                    END IF;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE FUNCTION unified_records_removed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE unified_counts AS c SET records = c.records - r.n
                    FROM (SELECT source, count(*) AS n FROM removed GROUP BY source) AS r WHERE c.source = r.source;
                    IF FOUND THEN
                        UPDATE unified_members SET version = version + 1;
                    END IF;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE FUNCTION unified_record_moved() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE unified_counts SET records = records - 1 WHERE source = OLD.source;
                    INSERT INTO unified_counts AS c (source, records) VALUES (NEW.source, 1)
                    ON CONFLICT (source) DO UPDATE SET records = c.records + 1;
                    UPDATE unified_members SET version = version + 1;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE FUNCTION unified_records_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM unified_counts;
                    UPDATE unified_members SET version = version + 1;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER unified_records_added AFTER INSERT ON normalized_records
                REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION unified_records_added()
                """,
                """
                CREATE TRIGGER unified_records_removed AFTER DELETE ON normalized_records
                REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION unified_records_removed()
                """,
                """
                CREATE TRIGGER unified_record_moved AFTER UPDATE OF id, source ON normalized_records FOR EACH ROW
                WHEN (OLD.source IS DISTINCT FROM NEW.source OR OLD.id IS DISTINCT FROM NEW.id)
                EXECUTE FUNCTION unified_record_moved()
                """,
                """
                CREATE TRIGGER unified_records_truncated AFTER TRUNCATE ON normalized_records
                FOR EACH STATEMENT EXECUTE FUNCTION unified_records_truncated()
                """,
            ]),
        Migration(
            version: 4, name: "lighter per-batch writes",
            statements: [
                // A source asset row is written when it is new or renamed, no longer with every batch
                // (which kept these two times): the newest observation decides a rename.
                "ALTER TABLE source_assets DROP COLUMN first_observed_at, DROP COLUMN last_observed_at",
                // Room on each page, so that a batch's new prices update rows in place (HOT updates,
                // no new index entries) instead of moving them.
                "ALTER TABLE assets SET (fillfactor = 50)",
                "ALTER TABLE normalized_records SET (fillfactor = 50)",
                // Every batch moves created_at of the unified records it touches; with an index on
                // it no such update is HOT (measured: 10,000 updates 89-126 ms with it, 21 ms
                // without). Date filters on /data read the table instead.
                "DROP INDEX normalized_records_created_at",
            ]),
        Migration(
            version: 5, name: "run checks and anomalies",
            statements: [
                // What a run's end records: its check results (a JSON array), the tickers it received
                // (one per line) and the run they were compared with.
                """
                ALTER TABLE etl_runs ADD COLUMN anomalies BIGINT NOT NULL DEFAULT 0, ADD COLUMN checks TEXT,
                    ADD COLUMN tickers TEXT, ADD COLUMN compared_run_id BIGINT
                """,
                // Observations whose price moved beyond the pipeline's max_price_change; written in the
                // batch's transaction, so a crash keeps or loses them with their records.
                """
                CREATE TABLE run_anomalies (
                    id BIGSERIAL PRIMARY KEY,
                    run_id BIGINT NOT NULL,
                    source TEXT NOT NULL,
                    ticker TEXT NOT NULL,
                    source_asset_id TEXT NOT NULL,
                    observed_at TIMESTAMPTZ NOT NULL,
                    price_usd NUMERIC NOT NULL,
                    previous_price_usd NUMERIC NOT NULL,
                    previous_observed_at TIMESTAMPTZ NOT NULL,
                    previous_source TEXT NOT NULL,
                    change DOUBLE PRECISION NOT NULL,
                    raw_id UUID NOT NULL
                )
                """,
                "CREATE INDEX run_anomalies_run ON run_anomalies (run_id, id)",
            ]),
        Migration(version: 6, name: "history partitioned by month", statements: MonthPartitioning.migration),
        Migration(version: 7, name: "one lock order for the unified counts", statements: LockOrder.migration),
        Migration(version: 8, name: "latest state published at the end of a run", statements: LatestPublication.migration),
        Migration(
            version: 9, name: "raw payloads as text",
            statements: [
                // New payloads go to a text column: PostgreSQL's json type parses every payload on the
                // way in, which cost half the time of copying the raw rows, and the store only ever
                // writes JSON it serialized itself. Older payloads stay where they are (no rewrite of a
                // large table inside a migration); readers take whichever is set.
                "ALTER TABLE raw_records RENAME COLUMN payload TO payload_json",
                "ALTER TABLE raw_records ALTER COLUMN payload_json DROP NOT NULL",
                "ALTER TABLE raw_records ADD COLUMN payload TEXT",
            ]),
        Migration(
            version: 10, name: "raw records keyed by time first",
            statements: [
                // A batch's payloads are close in time: keyed by time first, they land on a few pages at
                // the end of the index, where keyed by their content hash they scattered over all of it
                // (1,000,000 rows of the benchmark file: 3.8-4.1 s to copy, against 6.4-7.1 s). Every
                // lookup gives both columns.
                "ALTER TABLE raw_records DROP CONSTRAINT raw_records_pkey",
                "ALTER TABLE raw_records ADD PRIMARY KEY (observed_at, id)",
            ]),
    ]
}
