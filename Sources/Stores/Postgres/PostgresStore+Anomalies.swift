import ETLFramework
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Records the batch's new observations whose price moved beyond `limit` from the asset's
    /// previous observation, inside the batch's transaction and before the assets are upserted (so
    /// `assets` still holds each asset's newest observation before the batch). Returns how many.
    func recordPriceMoves(
        _ plan: BatchPlan, observations: [Int], limit: Double, on connection: PostgresConnection, logger: Logger
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
}
