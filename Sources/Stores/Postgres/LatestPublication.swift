import ETLFramework
import Foundation
import PostgresNIO

/// The latest state of a run's data (each asset's newest values in `assets`, and the unified records)
/// is written once, when the run ends, instead of with every batch.
///
/// With 10,000 tickers, every batch of a large file touched every ticker: both tables were rewritten
/// a hundred times for a 1,000,000-row file, most of the load's time. A batch of a run that brings
/// no source asset new to the run now stores its raw payloads and observations, and records in the
/// same transaction which source assets it
/// gave new observations (`latest_pending_assets`) and that its run has something to publish
/// (`etl_runs.latest_pending`). At the run's end the store publishes: for each of those source
/// assets, its newest observation goes into `assets` and the unified records of the tickers are
/// recomputed, under the ticker locks of ``LockOrder``, in chunks, the last of which clears the
/// run's marks.
///
/// Readers see one consistent state: the observations of a run that is not published yet are left
/// out of every history read, so a unified record is never older than the history beside it. A run
/// killed before it publishes keeps its marks, and is published by the next run of its pipeline
/// (under the pipeline's lock) or by the next start of a host; until then its observations stay
/// out of the history. Publishing is idempotent: each asset only ever moves to a newer observation.
enum LatestPublication {
    static let migration: [String] = [
        "ALTER TABLE etl_runs ADD COLUMN latest_pending BOOLEAN NOT NULL DEFAULT false",
        "CREATE INDEX etl_runs_latest_pending ON etl_runs (id) WHERE latest_pending",
        "CREATE TABLE latest_pending_assets (run_id BIGINT NOT NULL, asset_ref INTEGER NOT NULL)",
        "CREATE INDEX latest_pending_assets_run ON latest_pending_assets (run_id)",
        // A source asset's identity across sources (its normalized name, see Quote.assetKey), set as
        // it is written: publishing takes it from here. Rows written before are set when next written.
        #"ALTER TABLE source_assets ADD COLUMN asset_key TEXT COLLATE "C""#,
    ]

    /// The condition, on observations `o`, that keeps a history read to published runs.
    static let publishedOnly = " AND o.run_id <> ALL (ARRAY(SELECT id FROM etl_runs WHERE latest_pending))"

    /// How many source assets one publishing transaction takes: each stays well within a call's deadline.
    static let chunkSize = 20_000

    /// Records that `run` has new observations of the source assets `refs`.
    static func markPending(run: RunID, refs: [Int32]) -> PostgresQuery {
        "INSERT INTO latest_pending_assets (run_id, asset_ref) SELECT \(run.rawValue), unnest(\(refs)::int4[])"
    }

    /// The source assets `run` left to publish, ascending.
    static func pendingRefs(of run: RunID) -> PostgresQuery {
        "SELECT DISTINCT asset_ref FROM latest_pending_assets WHERE run_id = \(run.rawValue) ORDER BY 1"
    }

    /// The newest stored observation of each of `refs`: its time (as text, exact) and ticker. Used when the run's own
    /// newest times are not known in this process (recovery, or a run whose write failed).
    static func newestObservations(of refs: [Int32]) -> PostgresQuery {
        """
        SELECT k.ref, n.observed_at::text, n.ticker FROM unnest(\(refs)::int4[]) AS k(ref)
        CROSS JOIN LATERAL (
            SELECT o.observed_at, o.ticker FROM observations o WHERE o.asset_ref = k.ref ORDER BY o.observed_at DESC LIMIT 1
        ) AS n
        """
    }

    /// The tickers of the observations (`refs`, `times`).
    static func tickers(refs: [Int32], times: [String]) -> PostgresQuery {
        """
        SELECT DISTINCT o.ticker FROM unnest(\(refs)::int4[], \(times)::text[]::timestamptz[]) AS k(ref, at)
        JOIN observations o ON o.asset_ref = k.ref AND o.observed_at = k.at
        """
    }

    /// Moves each asset of the observations (`refs`, `times`) to that observation, unless it holds a
    /// newer one (or one as new from a source that sorts first), in the lock order of ``LockOrder``.
    static func upsertAssets(refs: [Int32], times: [String]) -> PostgresQuery {
        """
        INSERT INTO assets AS a (ticker, asset_key, name, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, source, source_asset_id, observed_at)
        SELECT o.ticker, s.asset_key, s.name, o.price_usd, o.market_cap_usd, o.volume_24h_usd, o.percent_change_24h,
            o.rank, s.source, s.source_asset_id, o.observed_at
        FROM unnest(\(refs)::int4[], \(times)::text[]::timestamptz[]) AS k(ref, at)
        JOIN observations o ON o.asset_ref = k.ref AND o.observed_at = k.at
        JOIN source_assets s ON s.id = k.ref
        ORDER BY o.ticker, s.asset_key
        \(unescaped: PostgresStore.assetsMoveToNewer)
        """
    }

    /// Clears `run`'s marks: its observations join the history readers see.
    static func clear(run: RunID) -> [PostgresQuery] {
        [
            "DELETE FROM latest_pending_assets WHERE run_id = \(run.rawValue)",
            "UPDATE etl_runs SET latest_pending = false WHERE id = \(run.rawValue)",
        ]
    }
}
