import ETLFramework
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Records the batch's new observations whose price moved beyond `limit` from the asset's
    /// previous observation, inside the batch's transaction and before the assets are upserted (so
    /// `assets` still holds each asset's newest observation before the batch). Returns how many.
    ///
    /// When the run publishes its latest state at its end, `own` holds the newest observation time
    /// of each source asset its earlier batches stored (by source asset id, see `refs`): those are
    /// newer than `assets` and are the previous observations then.
    func recordPriceMoves(
        _ plan: BatchPlan, observations: [Int], limit: Double, refs: [String: Int32], own: [Int32: Date]?,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        let batch = plan.batch
        guard !observations.isEmpty else { return 0 }
        let identities = PriceMoves.assets(of: batch.quotes, indices: observations)
        var stored: [AssetIdentity: AssetPrice] = [:]
        let rows = try await connection.query(
            """
            SELECT a.ticker, a.asset_key, a.price_usd::text, a.observed_at, a.source FROM assets a
            JOIN unnest(\(identities.map(\.ticker))::text[], \(identities.map(\.assetKey))::text[]) AS k(t, key)
                ON a.ticker = k.t AND a.asset_key = k.key
            """, logger: logger)
        for try await row in rows {
            var cells = RowCells(row, reading: "an asset's price")
            let identity = AssetIdentity(ticker: try cells.next(), assetKey: try cells.next())
            stored[identity] = AssetPrice(price: try cells.next(), observedAt: try cells.next(), source: try cells.next())
        }
        if let own, !own.isEmpty {
            try await mergeOwnPrices(plan, observations: observations, refs: refs, own: own, into: &stored, on: connection, logger: logger)
        }
        let moves = PriceMoves.flag(batch.quotes, indices: observations, source: batch.pipeline, stored: stored, limit: limit)
        guard !moves.isEmpty else { return 0 }
        let quotes = moves.map { batch.quotes[$0.quote] }
        try await connection.query(
            """
            INSERT INTO run_anomalies (run_id, source, ticker, source_asset_id, observed_at, price_usd, previous_price_usd,
                previous_observed_at, previous_source, change, raw_id)
            SELECT \(batch.runID.rawValue), \(batch.pipeline), t, id, at::timestamptz, p::numeric, pp::numeric,
                pat::timestamptz, ps, c, r::uuid
            FROM unnest(\(quotes.map(\.ticker))::text[], \(quotes.map(\.sourceAssetID))::text[],
                        \(quotes.map { PostgresTimestamp.text($0.observedAt) })::text[], \(quotes.map(\.priceUSD.description))::text[],
                        \(moves.map(\.previous.price))::text[], \(moves.map { PostgresTimestamp.text($0.previous.observedAt) })::text[],
                        \(moves.map(\.previous.source))::text[], \(moves.map(\.change))::float8[],
                        \(quotes.map { plan.rawIDs[$0.rawIndex] })::text[])
                WITH ORDINALITY AS u(t, id, at, p, pp, pat, ps, c, r, i)
            ORDER BY i
            """, logger: logger)
        return moves.count
    }

    /// Puts into `stored` the run's own newest stored observation of each asset of the batch, where it
    /// is newer than the stored one.
    func mergeOwnPrices(
        _ plan: BatchPlan, observations: [Int], refs: [String: Int32], own: [Int32: Date],
        into stored: inout [AssetIdentity: AssetPrice], on connection: PostgresConnection, logger: Logger
    ) async throws {
        let batch = plan.batch
        var identities: [Int32: AssetIdentity] = [:]
        for index in observations {
            let quote = batch.quotes[index]
            if let ref = refs[quote.sourceAssetID], own[ref] != nil {
                identities[ref] = AssetIdentity(ticker: quote.ticker, assetKey: quote.assetKey)
            }
        }
        guard !identities.isEmpty else { return }
        let keys = identities.keys.sorted()
        let rows = try await connection.query(
            """
            SELECT k.ref, o.price_usd::text, o.observed_at FROM unnest(\(keys)::int4[], \(keys.map { PostgresTimestamp.text(own[$0]!) })::text[]::timestamptz[]) AS k(ref, at)
            JOIN observations o ON o.asset_ref = k.ref AND o.observed_at = k.at
            """, logger: logger)
        for try await (ref, price, observedAt) in rows.decode((Int32, String, Date).self) {
            guard let identity = identities[ref] else { continue }
            if let current = stored[identity], current.observedAt >= observedAt { continue }
            stored[identity] = AssetPrice(price: price, observedAt: observedAt, source: batch.pipeline)
        }
    }
}
