import ETLFramework
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    package func qualityFacts(pipeline: String, run: RunID, newestObservation: Bool, logger: Logger) async throws -> QualityFacts {
        do {
            var facts = QualityFacts()
            facts.previousFinished = try await previousRun(of: pipeline, before: run, successOnly: false, logger: logger)
            facts.previousSuccess =
                facts.previousFinished?.status == .success
                ? facts.previousFinished : try await previousRun(of: pipeline, before: run, successOnly: true, logger: logger)
            let largest = try await client.query(
                "SELECT change FROM run_anomalies WHERE run_id = \(run.rawValue) ORDER BY \(unescaped: PriceMoves.sizeSQL) DESC, change DESC LIMIT 1",
                logger: logger)
            for try await change in largest.decode(Double.self) { facts.largestPriceMove = change }
            if newestObservation {
                // The newest observation of each of the pipeline's source assets, by its primary key.
                let rows = try await client.query(
                    """
                    SELECT max(newest.observed_at) FROM source_assets s CROSS JOIN LATERAL (
                        SELECT o.observed_at FROM observations o WHERE o.asset_ref = s.id ORDER BY o.observed_at DESC LIMIT 1
                    ) AS newest WHERE s.source = \(pipeline)
                    """, logger: logger)
                for try await newest in rows.decode(Date?.self) { facts.newestObservation = newest }
            }
            return facts
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading what the checks of run \(run) compare with")
        }
    }

    /// The newest finished (or successful) run of `pipeline` before `run`.
    func previousRun(of pipeline: String, before run: RunID, successOnly: Bool, logger: Logger) async throws -> RunRecord? {
        var select = SQLBuilder("SELECT ")
        select.trustedSQL(Self.runColumns)
        select.sql(" FROM etl_runs WHERE pipeline = ")
        select.bind(pipeline)
        select.sql(" AND id < ")
        select.bind(run.rawValue)
        select.sql(successOnly ? " AND status = 'success'" : " AND status <> 'running'")
        select.sql(" ORDER BY id DESC LIMIT 1")
        for try await row in try await client.query(select.query, logger: logger) { return try Self.run(row) }
        return nil
    }

    package func comparison(of run: RunRecord, logger: Logger) async throws -> RunComparison? {
        guard let compared = run.comparedRun else { return nil }
        do {
            return try await reading(logger: logger) { client in
                var select = SQLBuilder("SELECT ")
                select.trustedSQL(Self.runColumns)
                select.sql(", tickers FROM etl_runs WHERE id = ANY(")
                select.bind([run.id.rawValue, compared.rawValue])
                select.sql(")")
                var found: [RunID: (RunRecord, [String])] = [:]
                for try await row in try await client.query(select.query, logger: logger) {
                    let record = try Self.run(row)
                    let tickers = try row.makeRandomAccess()["tickers"].decode(String?.self)
                    found[record.id] = (record, RunQuality.tickers(fromText: tickers))
                }
                guard let now = found[run.id], let before = found[compared] else { return nil }
                return RunComparison(previous: before.0, now: now.0, tickersBefore: before.1, tickersNow: now.1)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "comparing run \(run.id) with run \(compared)")
        }
    }

    package func anomalies(run: RunID, limit: Int, offset: Int, logger: Logger) async throws -> Page<Anomaly> {
        do {
            return try await reading(logger: logger) { client in
                let rows = try await client.query(
                    """
                    SELECT a.ticker, a.source, a.source_asset_id, \(unescaped: Self.micros("a.observed_at")), a.price_usd::text,
                        a.previous_price_usd::text, \(unescaped: Self.micros("a.previous_observed_at")), a.previous_source, a.change,
                        coalesce(r.payload, r.payload_json::text, ''), coalesce(r.location, ''), count(*) OVER ()
                    FROM run_anomalies a LEFT JOIN raw_records r ON r.id = a.raw_id AND r.observed_at = a.observed_at
                    WHERE a.run_id = \(run.rawValue) ORDER BY a.id LIMIT \(limit) OFFSET \(offset)
                    """, logger: logger)
                var items: [Anomaly] = []
                var total: Int?
                for try await row in rows {
                    var cells = RowCells(row, reading: "an anomaly")
                    items.append(
                        Anomaly(
                            ticker: try cells.next(), source: try cells.next(), sourceAssetID: try cells.next(),
                            observedAt: Timestamp(microseconds: try cells.next()), priceUSD: try cells.next(),
                            previousPriceUSD: try cells.next(), previousObservedAt: Timestamp(microseconds: try cells.next()),
                            previousSource: try cells.next(), change: try cells.next(), raw: try cells.next(), location: try cells.next()))
                    total = Int(try cells.next(Int64.self))
                }
                if total == nil {
                    total = try await Self.count("SELECT count(*) FROM run_anomalies WHERE run_id = \(run.rawValue)", on: client, logger: logger)
                }
                return Page(items: items, total: total ?? 0)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading the anomalies of run \(run)")
        }
    }
}
