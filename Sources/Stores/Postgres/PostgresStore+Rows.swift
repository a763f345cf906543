import ETLFramework
import Foundation
import PostgresNIO

/// The rows and statements of a batch write: COPY text for the per-record tables, array-bound
/// upserts for the per-asset ones. Every value is a bind or COPY data, never spliced SQL.
extension PostgresStore {
    static let rawColumns = ["id", "source", "content_hash", "external_id", "payload", "location", "line", "run_id", "observed_at"]

    static func rawRows(_ plan: BatchPlan, _ indices: [Int]) -> [UInt8] {
        let batch = plan.batch
        var copy = CopyText(capacity: indices.count * 256)
        for index in indices {
            let raw = batch.raw[index]
            copy.text(plan.rawIDs[index])
            copy.text(batch.pipeline)
            copy.bytea(raw.contentHash)
            copy.text(plan.quoteOfRaw[index].map { batch.quotes[$0].sourceAssetID })
            copy.text(raw.payloadText)
            copy.text(raw.location.description)
            copy.integer(raw.location.line)
            copy.integer(batch.runID.rawValue)
            copy.text(rawTime(plan, index))
            copy.endRow()
        }
        return copy.bytes
    }

    /// A raw payload's partition key: its record's observation time, or `-infinity` for one without.
    static func rawTime(_ plan: BatchPlan, _ index: Int) -> String {
        plan.quoteOfRaw[index].map { PostgresTimestamp.text(plan.batch.quotes[$0].observedAt) } ?? "-infinity"
    }

    static let observationColumns = [
        "asset_ref", "observed_at", "ticker", "price_usd", "market_cap_usd", "volume_24h_usd", "percent_change_24h",
        "rank", "raw_id", "run_id",
    ]

    /// The COPY rows of observations `indices` after their first column (the source asset's id,
    /// known only inside the transaction), concatenated, and where each row ends.
    static func observationTails(_ plan: BatchPlan, _ indices: [Int]) -> (bytes: [UInt8], ends: [Int]) {
        var copy = CopyText(capacity: indices.count * 150)
        var ends: [Int] = []
        ends.reserveCapacity(indices.count)
        for index in indices {
            let quote = plan.batch.quotes[index]
            copy.timestamp(quote.observedAt)
            copy.text(quote.ticker)
            copy.decimal(quote.priceUSD)
            copy.decimal(quote.marketCapUSD)
            copy.decimal(quote.volume24hUSD)
            copy.decimal(quote.percentChange24h)
            copy.integer(quote.rank)
            copy.text(plan.rawIDs[quote.rawIndex])
            copy.integer(plan.batch.runID.rawValue)
            copy.endRow()
            ends.append(copy.bytes.count)
        }
        return (copy.bytes, ends)
    }

    /// Full observation rows: each source asset's id, a tab, then the row's tail; in key order
    /// (source asset id, then as given), so that the primary key's index is filled page by page.
    static func observationRows(
        _ plan: BatchPlan, _ indices: [Int], tails: (bytes: [UInt8], ends: [Int]), refs: [String: Int32]
    ) -> [UInt8] {
        var rows: [UInt8] = []
        rows.reserveCapacity(tails.bytes.count + indices.count * 8)
        let keyed = indices.enumerated().map { (position: $0.offset, ref: refs[plan.batch.quotes[$0.element].sourceAssetID]) }
        for (position, ref) in keyed.sorted(by: { ($0.ref ?? -1, $0.position) < ($1.ref ?? -1, $1.position) }) {
            rows.append(contentsOf: (ref.map { String($0) } ?? "\\N").utf8)
            rows.append(9)
            rows.append(contentsOf: tails.bytes[(position == 0 ? 0 : tails.ends[position - 1])..<tails.ends[position]])
        }
        return rows
    }

    static let quarantineColumns = ["run_id", "source", "location", "line", "field", "reason", "raw"]

    static func quarantineRows(_ batch: LoadBatch) -> [UInt8] {
        var copy = CopyText(capacity: batch.rejections.count * 256)
        for rejection in batch.rejections {
            copy.integer(batch.runID.rawValue)
            copy.text(batch.pipeline)
            copy.text(rejection.location.description)
            copy.integer(rejection.location.line)
            copy.text(rejection.field)
            copy.text(rejection.reason)
            copy.text(rejection.raw)
            copy.endRow()
        }
        return copy.bytes
    }

    /// Optional values travel as text arrays with `""` for NULL.
    static func texts(_ values: [ExactDecimal?]) -> [String] { values.map { $0?.description ?? "" } }

    /// Takes the transaction-level advisory locks of `buckets` (ascending), one at a time in order.
    static func lockTickers(_ buckets: [Int32]) -> PostgresQuery {
        """
        SELECT count(pg_advisory_xact_lock(\(LockOrder.tickerNamespace), b)) FROM unnest(\(buckets)::int4[]) AS b
        """
    }

    /// `quotes` in the order their `assets` rows are locked: by ticker, then asset key, compared as
    /// UTF-8 bytes (a total order, the same in every process). See ``LockOrder``.
    static func sortedForLocking(_ quotes: [Quote]) -> [Quote] {
        quotes.sorted { a, b in
            a.ticker.utf8.elementsEqual(b.ticker.utf8)
                ? a.assetKey.utf8.lexicographicallyPrecedes(b.assetKey.utf8)
                : a.ticker.utf8.lexicographicallyPrecedes(b.ticker.utf8)
        }
    }

    /// The newest observation of each asset (same ticker and normalized name), from any source; of
    /// two sources that observed it at the same time, the one whose name sorts first (byte order),
    /// so that the result does not depend on which batch commits first.
    /// The rows are upserted in the order given (`unnest` keeps it): callers sort them with
    /// ``sortedForLocking(_:)``.
    static func upsertAssets(_ quotes: [Quote], source: String) -> PostgresQuery {
        let tickers = quotes.map(\.ticker), keys = quotes.map(\.assetKey), names = quotes.map { $0.name ?? "" }
        let prices = quotes.map(\.priceUSD.description), caps = texts(quotes.map(\.marketCapUSD))
        let volumes = texts(quotes.map(\.volume24hUSD)), changes = texts(quotes.map(\.percentChange24h))
        let ranks = quotes.map { $0.rank.map(String.init) ?? "" }, ids = quotes.map(\.sourceAssetID)
        let times = quotes.map { PostgresTimestamp.text($0.observedAt) }
        return """
            INSERT INTO assets AS a (ticker, asset_key, name, price_usd, market_cap_usd, volume_24h_usd,
                percent_change_24h, rank, source, source_asset_id, observed_at)
            SELECT t, k, NULLIF(n, ''), p::numeric, NULLIF(c, '')::numeric, NULLIF(v, '')::numeric,
                NULLIF(pc, '')::numeric, NULLIF(r, '')::integer, \(source), id, at::timestamptz
            FROM unnest(\(tickers)::text[], \(keys)::text[], \(names)::text[], \(prices)::text[], \(caps)::text[],
                        \(volumes)::text[], \(changes)::text[], \(ranks)::text[], \(ids)::text[], \(times)::text[])
                AS u(t, k, n, p, c, v, pc, r, id, at)
            \(unescaped: Self.assetsMoveToNewer)
            """
    }

    /// An asset (alias `a`) moves to the inserted observation unless it holds a newer one, or one as
    /// new from a source that sorts first.
    static let assetsMoveToNewer = """
        ON CONFLICT (ticker, asset_key) DO UPDATE SET name = EXCLUDED.name, price_usd = EXCLUDED.price_usd,
            market_cap_usd = EXCLUDED.market_cap_usd, volume_24h_usd = EXCLUDED.volume_24h_usd,
            percent_change_24h = EXCLUDED.percent_change_24h, rank = EXCLUDED.rank, source = EXCLUDED.source,
            source_asset_id = EXCLUDED.source_asset_id, observed_at = EXCLUDED.observed_at, ingested_at = now()
        WHERE EXCLUDED.observed_at > a.observed_at
            OR (EXCLUDED.observed_at = a.observed_at AND EXCLUDED.source COLLATE "C" < a.source COLLATE "C")
        """

    /// Source assets not stored yet, with their ids. A source asset is delivered by one pipeline,
    /// which one run at a time writes, so nothing else inserts it meanwhile.
    static func insertSourceAssets(_ quotes: [Quote], source: String) -> PostgresQuery {
        let ids = quotes.map(\.sourceAssetID), tickers = quotes.map(\.ticker), names = quotes.map { $0.name ?? "" }
        let keys = quotes.map(\.assetKey)
        return """
            INSERT INTO source_assets (source, source_asset_id, ticker, name, asset_key)
            SELECT \(source), id, t, NULLIF(n, ''), k
            FROM unnest(\(ids)::text[], \(tickers)::text[], \(names)::text[], \(keys)::text[]) AS u(id, t, n, k)
            ON CONFLICT (source, source_asset_id) DO NOTHING
            RETURNING id, source_asset_id
            """
    }

    /// A source asset's ticker, name and asset key are those of its newest observation: the batch's
    /// newest quote renames it unless a newer observation is stored. A row stored before asset keys
    /// were (migration 8) takes the quote's key in any case.
    static func renameSourceAssets(_ quotes: [Quote], refs: [String: Int32]) -> PostgresQuery {
        let ids = quotes.map { refs[$0.sourceAssetID] ?? -1 }, tickers = quotes.map(\.ticker), names = quotes.map { $0.name ?? "" }
        let times = quotes.map { PostgresTimestamp.text($0.observedAt) }, keys = quotes.map(\.assetKey)
        return """
            UPDATE source_assets AS s SET ticker = CASE WHEN f.newest THEN f.t ELSE s.ticker END,
                name = CASE WHEN f.newest THEN NULLIF(f.n, '') ELSE s.name END,
                asset_key = CASE WHEN f.newest THEN f.k ELSE coalesce(s.asset_key, f.k) END
            FROM (
                SELECT u.ref, u.t, u.n, u.k, u.at::timestamptz >= coalesce(
                    (SELECT max(o.observed_at) FROM observations AS o WHERE o.asset_ref = u.ref), '-infinity') AS newest
                FROM unnest(\(ids)::int4[], \(tickers)::text[], \(names)::text[], \(times)::text[], \(keys)::text[]) AS u(ref, t, n, at, k)
            ) AS f
            WHERE s.id = f.ref AND (f.newest OR s.asset_key IS NULL)
            """
    }

    /// Each touched ticker is held by the asset with the largest market cap (then the newest).
    static func refreshUnified(_ tickers: [String]) -> PostgresQuery {
        """
        INSERT INTO normalized_records AS n (id, ticker, name, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, source, source_asset_id, created_at)
        SELECT DISTINCT ON (ticker) ticker, ticker, name, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, source, source_asset_id, observed_at
        FROM assets WHERE ticker = ANY(\(tickers)::text[])
        ORDER BY ticker, market_cap_usd DESC NULLS LAST, observed_at DESC, asset_key
        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, price_usd = EXCLUDED.price_usd,
            market_cap_usd = EXCLUDED.market_cap_usd, volume_24h_usd = EXCLUDED.volume_24h_usd,
            percent_change_24h = EXCLUDED.percent_change_24h, rank = EXCLUDED.rank, source = EXCLUDED.source,
            source_asset_id = EXCLUDED.source_asset_id, created_at = EXCLUDED.created_at, ingested_at = now()
        WHERE (n.source, n.source_asset_id, n.created_at, n.price_usd, n.market_cap_usd)
            IS DISTINCT FROM (EXCLUDED.source, EXCLUDED.source_asset_id, EXCLUDED.created_at, EXCLUDED.price_usd,
                EXCLUDED.market_cap_usd)
        """
    }
}
