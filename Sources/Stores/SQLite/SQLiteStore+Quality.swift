import ETLFramework
import Foundation
import Logging
import SQLiteNIO

extension SQLiteStore {
    /// As ``PostgresStore``'s: the batch's new observations whose price moved beyond `limit`, read
    /// against `assets` before the batch upserts them. Returns how many.
    func recordPriceMoves(_ plan: BatchPlan, observations: [Int], limit: Double, on connection: SQLiteConnection) async throws -> Int {
        let batch = plan.batch
        guard !observations.isEmpty else { return 0 }
        let identities = PriceMoves.assets(of: batch.quotes, indices: observations)
        var stored: [AssetIdentity: AssetPrice] = [:]
        for start in stride(from: 0, to: identities.count, by: 400) {
            let chunk = identities[start..<min(identities.count, start + 400)]
            let sql =
                "SELECT ticker, asset_key, price_usd, observed_at, source FROM assets WHERE (ticker, asset_key) IN (VALUES "
                + Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ") + ")"
            for row in try await connection.query(sql, chunk.flatMap { [.text($0.ticker), .text($0.assetKey)] }) {
                guard let ticker = row.column("ticker")?.string, let key = row.column("asset_key")?.string,
                    let price = row.column("price_usd")?.string, let at = row.column("observed_at")?.double,
                    let source = row.column("source")?.string
                else { continue }
                stored[AssetIdentity(ticker: ticker, assetKey: key)] = AssetPrice(
                    price: price, observedAt: Date(timeIntervalSince1970: at), source: source)
            }
        }
        let moves = PriceMoves.flag(batch.quotes, indices: observations, source: batch.pipeline, stored: stored, limit: limit)
        try await insert(
            "run_anomalies",
            [
                "run_id", "source", "ticker", "source_asset_id", "observed_at", "price_usd", "previous_price_usd", "previous_observed_at",
                "previous_source", "change", "raw_id",
            ],
            moves.map { move in
                let quote = batch.quotes[move.quote]
                return [
                    .integer(Int(batch.runID.rawValue)), .text(batch.pipeline), .text(quote.ticker), .text(quote.sourceAssetID),
                    .float(quote.observedAt.timeIntervalSince1970), .text(quote.priceUSD.description), .text(move.previous.price),
                    .float(move.previous.observedAt.timeIntervalSince1970), .text(move.previous.source), .float(move.change),
                    .text(plan.rawIDs[quote.rawIndex]),
                ]
            }, on: connection)
        return moves.count
    }

    package func qualityFacts(pipeline: String, run: RunID, newestObservation: Bool, logger: Logger) async throws -> QualityFacts {
        do {
            let connection = try await reader()
            var facts = QualityFacts()
            let binds: [SQLiteData] = [.text(pipeline), .integer(Int(run.rawValue))]
            facts.previousFinished = try await connection.query(
                "SELECT \(Self.runColumns) FROM etl_runs WHERE pipeline = ? AND id < ? AND status <> 'running' ORDER BY id DESC LIMIT 1",
                binds
            ).first.flatMap(Self.run)
            facts.previousSuccess =
                facts.previousFinished?.status == .success
                ? facts.previousFinished
                : try await connection.query(
                    "SELECT \(Self.runColumns) FROM etl_runs WHERE pipeline = ? AND id < ? AND status = 'success' ORDER BY id DESC LIMIT 1",
                    binds
                ).first.flatMap(Self.run)
            facts.largestPriceMove = try await connection.query(
                "SELECT change FROM run_anomalies WHERE run_id = ? ORDER BY \(PriceMoves.sizeSQL) DESC, change DESC LIMIT 1",
                [.integer(Int(run.rawValue))]
            ).first?.column("change")?.double
            if newestObservation {
                facts.newestObservation = try await connection.query(
                    """
                    SELECT max((SELECT max(o.observed_at) FROM observations o WHERE o.asset_ref = s.id)) AS newest
                    FROM source_assets s WHERE s.source = ?
                    """, [.text(pipeline)]
                ).first?.column("newest")?.double.map(Date.init(timeIntervalSince1970:))
            }
            return facts
        } catch {
            throw SQLiteStoreError.wrap(error, while: "reading what the checks of run \(run) compare with")
        }
    }

    package func comparison(of run: RunRecord, logger: Logger) async throws -> RunComparison? {
        guard let compared = run.comparedRun else { return nil }
        var found: [RunID: (RunRecord, [String])] = [:]
        let rows: [SQLiteRow]
        do {
            rows = try await reader().query(
                "SELECT \(Self.runColumns), tickers FROM etl_runs WHERE id IN (?, ?)",
                [.integer(Int(run.id.rawValue)), .integer(Int(compared.rawValue))])
        } catch {
            throw SQLiteStoreError.wrap(error, while: "comparing run \(run.id) with run \(compared)")
        }
        for row in rows {
            guard let record = Self.run(row) else { continue }
            found[record.id] = (record, RunQuality.tickers(fromText: row.column("tickers")?.string))
        }
        guard let now = found[run.id], let before = found[compared] else { return nil }
        return RunComparison(previous: before.0, now: now.0, tickersBefore: before.1, tickersNow: now.1)
    }

    package func anomalies(run: RunID, limit: Int, offset: Int, logger: Logger) async throws -> Page<Anomaly> {
        try await page(
            select: """
                SELECT a.ticker, a.source, a.source_asset_id, a.observed_at, a.price_usd, a.previous_price_usd,
                    a.previous_observed_at, a.previous_source, a.change, coalesce(r.payload, '') AS raw, coalesce(r.location, '') AS location
                FROM run_anomalies a LEFT JOIN raw_records r ON r.id = a.raw_id WHERE a.run_id = ? ORDER BY a.id
                """,
            count: "SELECT count(*) AS n FROM run_anomalies WHERE run_id = ?", binds: [.integer(Int(run.rawValue))], limit: limit,
            offset: offset, doing: "reading the anomalies of run \(run)"
        ) { row in
            guard let ticker = row.column("ticker")?.string, let source = row.column("source")?.string,
                let sourceAssetID = row.column("source_asset_id")?.string, let at = row.column("observed_at")?.double,
                let price = row.column("price_usd")?.string, let previous = row.column("previous_price_usd")?.string,
                let previousAt = row.column("previous_observed_at")?.double, let previousSource = row.column("previous_source")?.string,
                let change = row.column("change")?.double
            else { return nil }
            return Anomaly(
                ticker: ticker, source: source, sourceAssetID: sourceAssetID, observedAt: Timestamp(secondsSince1970: at),
                priceUSD: price, previousPriceUSD: previous, previousObservedAt: Timestamp(secondsSince1970: previousAt),
                previousSource: previousSource, change: change, raw: row.column("raw")?.string ?? "",
                location: row.column("location")?.string ?? "")
        }
    }
}
