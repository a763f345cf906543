/// How batches of concurrent pipelines share the per-ticker state (assets, unified records, their
/// counts) without deadlocks and without lost updates.
///
/// After copying its own rows (raw payloads, observations, source assets: no other pipeline writes
/// those), a batch takes a transaction-level advisory lock on each of its tickers' buckets
/// (``bucketCount`` buckets by a hash of the ticker), in ascending order, and holds them to its
/// commit. Two batches that share a ticker thus change its assets and recompute its unified record
/// one after the other, each seeing what the other committed: without the lock, two batches that
/// update two assets of one ticker at once could each recompute the unified record from the other's
/// old asset, and the later commit would keep a stale record. Under the locks, rows are locked in
/// this order:
///
/// 1. `assets`, by (ticker, asset key): the statement's rows are sorted by ``PostgresStore/sortedForLocking(_:)``;
/// 2. `normalized_records`, by ticker: the refresh inserts in `ORDER BY ticker`;
/// 3. the one row of `unified_members`, at the end of that statement (its triggers);
/// 4. `unified_counts`, by source, only while holding (3).
///
/// Before migration 7, the count triggers locked `unified_counts` rows in the order of the moved
/// records (ticker X moving from source A to B, ticker Y from B to A) and only then the membership
/// row, which deadlocked two batches that moved records in opposite directions. Every trigger now
/// takes the membership row first, so the count rows are only ever changed by its holder.
enum LockOrder {
    /// The first key of the ticker locks (the run locks use ``PostgresStore/lockNamespace``).
    static let tickerNamespace: Int32 = PostgresStore.lockNamespace + 1
    /// Few enough that a batch of any size holds a bounded number of locks (PostgreSQL's lock table
    /// is sized by `max_locks_per_transaction`), enough that pipelines over disjoint tickers
    /// rarely wait for each other.
    static let bucketCount: UInt32 = 64

    /// The distinct buckets of `tickers`, ascending: FNV-1a of the ticker's UTF-8 bytes, modulo
    /// ``bucketCount``, the same in every process.
    static func buckets(of tickers: [String]) -> [Int32] {
        var seen = Set<Int32>()
        for ticker in tickers {
            var hash: UInt32 = 2_166_136_261
            for byte in ticker.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            seen.insert(Int32(hash % bucketCount))
        }
        return seen.sorted()
    }

    static let migration: [String] = [
        """
        CREATE OR REPLACE FUNCTION unified_records_added() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM added) THEN
                RETURN NULL;
            END IF;
            UPDATE unified_members SET version = version + 1;
            INSERT INTO unified_counts AS c (source, records)
            SELECT source, count(*) FROM added GROUP BY source ORDER BY source
            ON CONFLICT (source) DO UPDATE SET records = c.records + EXCLUDED.records;
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION unified_records_removed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM removed) THEN
                RETURN NULL;
            END IF;
            UPDATE unified_members SET version = version + 1;
            UPDATE unified_counts AS c SET records = c.records - r.n
            FROM (SELECT source, count(*) AS n FROM removed GROUP BY source) AS r WHERE c.source = r.source;
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION unified_record_moved() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE unified_members SET version = version + 1;
            UPDATE unified_counts SET records = records - 1 WHERE source = OLD.source;
            INSERT INTO unified_counts AS c (source, records) VALUES (NEW.source, 1)
            ON CONFLICT (source) DO UPDATE SET records = c.records + 1;
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION unified_records_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE unified_members SET version = version + 1;
            DELETE FROM unified_counts;
            RETURN NULL;
        END $$
        """,
    ]
}
