/// The partitioned history layout (migration 6): `observations` and `raw_records` are range-partitioned
/// by observation time, one partition per UTC month (`observations_2026_12`), plus one `_early`
/// partition for everything before 2000, which also holds the raw payloads that have no observation
/// time (rejected before one was read, stored at `-infinity`). Retention drops whole months.
///
/// A raw payload's partition key is the observation time of the record it holds, so the same payload
/// read again lands in the same partition and its key `(id, observed_at)` still stops a duplicate.
/// Partitions are created by `etl_month_partitions`, ahead of time by maintenance and on demand
/// before a batch that needs one; no extension is required.
enum MonthPartitioning {
    /// Everything before this goes to the `_early` partitions.
    static let firstMonth = "2000-01-01"

    static let migration: [String] = [
        "ALTER TABLE observations RENAME TO observations_unpartitioned",
        "ALTER INDEX observations_pkey RENAME TO observations_unpartitioned_pkey",
        "ALTER TABLE raw_records RENAME TO raw_records_unpartitioned",
        "ALTER INDEX raw_records_pkey RENAME TO raw_records_unpartitioned_pkey",
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
        ) PARTITION BY RANGE (observed_at)
        """,
        """
        CREATE TABLE raw_records (
            id UUID NOT NULL,
            source TEXT NOT NULL,
            content_hash BYTEA NOT NULL,
            external_id TEXT,
            payload JSON NOT NULL,
            location TEXT NOT NULL,
            line BIGINT,
            run_id BIGINT NOT NULL,
            ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            observed_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (id, observed_at)
        ) PARTITION BY RANGE (observed_at)
        """,
        "CREATE TABLE observations_early PARTITION OF observations FOR VALUES FROM (MINVALUE) TO ('\(firstMonth) 00:00:00+00')",
        "CREATE TABLE raw_records_early PARTITION OF raw_records FOR VALUES FROM (MINVALUE) TO ('\(firstMonth) 00:00:00+00')",
        // Creates the month partitions of both tables for the given days' months, those missing only.
        // Two hosts may race: the loser's duplicate is ignored. Returns the names created.
        """
        CREATE FUNCTION etl_month_partitions(days date[]) RETURNS SETOF text LANGUAGE plpgsql AS $$
        DECLARE
            day date;
            month date;
            parent text;
            name text;
        BEGIN
            FOREACH day IN ARRAY days LOOP
                CONTINUE WHEN day IS NULL OR day < DATE '\(firstMonth)';
                month := date_trunc('month', day)::date;
                FOREACH parent IN ARRAY ARRAY['observations', 'raw_records'] LOOP
                    name := parent || '_' || to_char(month, 'YYYY_MM');
                    CONTINUE WHEN to_regclass(name) IS NOT NULL;
                    BEGIN
                        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', name, parent,
                            month::timestamp AT TIME ZONE 'UTC', (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
                        RETURN NEXT name;
                    EXCEPTION WHEN duplicate_table OR unique_violation THEN
                        NULL;
                    END;
                END LOOP;
            END LOOP;
        END $$
        """,
        // Drops the month partitions of `parent` that end at or before `cutoff`; returns each with the
        // planner's row estimate.
        """
        CREATE FUNCTION etl_drop_month_partitions(parent text, cutoff timestamptz)
        RETURNS TABLE (partition text, estimated_rows bigint) LANGUAGE plpgsql AS $$
        DECLARE
            child record;
        BEGIN
            FOR child IN
                SELECT c.relname::text AS relname, c.reltuples FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = to_regclass(parent) AND c.relname ~ ('^' || parent || '_[0-9]{4}_[0-9]{2}$')
                ORDER BY c.relname
            LOOP
                CONTINUE WHEN (to_date(right(child.relname, 7), 'YYYY_MM') + interval '1 month')::timestamp
                    AT TIME ZONE 'UTC' > cutoff;
                EXECUTE format('DROP TABLE %I', child.relname);
                partition := child.relname;
                estimated_rows := greatest(child.reltuples, 0)::bigint;
                RETURN NEXT;
            END LOOP;
        END $$
        """,
        // Every stored row moves over. A raw payload takes the time of the observation that refers to
        // it; one without (rejected, or its observation was unchanged) goes to the early partition.
        """
        DO $$ BEGIN
            PERFORM * FROM etl_month_partitions(ARRAY(
                SELECT DISTINCT date_trunc('month', observed_at AT TIME ZONE 'UTC')::date FROM observations_unpartitioned));
        END $$
        """,
        """
        INSERT INTO observations (asset_ref, observed_at, ticker, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, raw_id, run_id, ingested_at)
        SELECT asset_ref, observed_at, ticker, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, rank,
            raw_id, run_id, ingested_at
        FROM observations_unpartitioned
        """,
        """
        INSERT INTO raw_records (id, source, content_hash, external_id, payload, location, line, run_id, ingested_at,
            observed_at)
        SELECT r.id, r.source, r.content_hash, r.external_id, r.payload, r.location, r.line, r.run_id, r.ingested_at,
            coalesce(o.observed_at, '-infinity')
        FROM raw_records_unpartitioned r
        LEFT JOIN (SELECT raw_id, min(observed_at) AS observed_at FROM observations_unpartitioned GROUP BY raw_id) o
            ON o.raw_id = r.id
        """,
        "DROP TABLE observations_unpartitioned",
        "DROP TABLE raw_records_unpartitioned",
    ]
}
