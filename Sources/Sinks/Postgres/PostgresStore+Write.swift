import ETLFramework
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Writes one batch in ONE transaction: the batch is copied into a session-local staging table,
    /// then set-based statements fill raw records, observations, the latest state per asset and the
    /// unified records of the tickers touched, followed by rejections, the checkpoint and the run's
    /// counters. A constant number of round trips per batch, whatever its size.
    public func write(_ batch: LoadBatch, logger: Logger) async throws {
        let staged = Self.stage(batch)
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: Self.createStage), logger: logger)
                if !batch.raw.isEmpty {
                    try await connection.copyFrom(table: "etl_stage", columns: Self.stageColumns, logger: logger) { writer in
                        try await writer.write(ByteBuffer(bytes: staged))
                    }
                    try await connection.query(Self.insertRaw(batch), logger: logger)
                    if !batch.quotes.isEmpty {
                        try await connection.query(Self.insertObservations(batch), logger: logger)
                        try await connection.query(Self.upsertAssets(batch), logger: logger)
                        try await connection.query(PostgresQuery(unsafeSQL: Self.refreshUnified), logger: logger)
                    }
                }
                if !batch.rejections.isEmpty {
                    let rows = Self.quarantineRows(batch)
                    try await connection.copyFrom(table: "quarantine", columns: Self.quarantineColumns, logger: logger) { writer in
                        try await writer.write(ByteBuffer(bytes: rows))
                    }
                }
                try await connection.query(
                    """
                    INSERT INTO checkpoints (pipeline, kind, state, run_id) VALUES
                        (\(batch.pipeline), \(batch.checkpoint.kind), \(batch.checkpoint.state)::jsonb, \(batch.runID.rawValue))
                    ON CONFLICT (pipeline) DO UPDATE SET kind = EXCLUDED.kind, state = EXCLUDED.state,
                        run_id = EXCLUDED.run_id, updated_at = now()
                    """, logger: logger)
                try await connection.query(
                    """
                    UPDATE etl_runs SET processed = processed + \(batch.counters.processed),
                        quarantined = quarantined + \(batch.counters.quarantined),
                        skipped = skipped + \(batch.counters.skipped)
                    WHERE id = \(batch.runID.rawValue)
                    """, logger: logger)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "writing a batch of \(batch.pipeline)")
        }
    }

    static let stageColumns = [
        "raw_index", "content_hash", "payload", "location", "line", "ticker", "name", "asset_key", "source_asset_id",
        "observed_at", "price_usd", "market_cap_usd", "volume_24h_usd", "percent_change_24h", "rank",
    ]

    static let createStage = """
        CREATE TEMP TABLE IF NOT EXISTS etl_stage (
            raw_index INTEGER NOT NULL, content_hash BYTEA NOT NULL, payload TEXT NOT NULL, location TEXT NOT NULL,
            line BIGINT, ticker TEXT, name TEXT, asset_key TEXT, source_asset_id TEXT, observed_at TIMESTAMPTZ,
            price_usd NUMERIC, market_cap_usd NUMERIC, volume_24h_usd NUMERIC, percent_change_24h NUMERIC, rank INTEGER
        ) ON COMMIT DELETE ROWS
        """

    /// One staging row per raw record, with its quote's values when it has one.
    static func stage(_ batch: LoadBatch) -> [UInt8] {
        var quoteAt = [Int?](repeating: nil, count: batch.raw.count)
        for (index, quote) in batch.quotes.enumerated() { quoteAt[quote.rawIndex] = index }
        var copy = CopyText(capacity: batch.raw.count * 256)
        for (index, raw) in batch.raw.enumerated() {
            copy.integer(index)
            copy.bytea(raw.contentHash)
            copy.text(raw.payloadText)
            copy.text(raw.location.description)
            copy.integer(raw.location.line)
            if let quoteIndex = quoteAt[index] {
                let quote = batch.quotes[quoteIndex]
                copy.text(quote.ticker)
                copy.text(quote.name)
                copy.text(quote.assetKey)
                copy.text(quote.sourceAssetID)
                copy.timestamp(quote.observedAt)
                copy.decimal(quote.priceUSD)
                copy.decimal(quote.marketCapUSD)
                copy.decimal(quote.volume24hUSD)
                copy.decimal(quote.percentChange24h)
                copy.integer(quote.rank)
            } else {
                for _ in 0..<10 { copy.text(nil) }
            }
            copy.endRow()
        }
        return copy.bytes
    }

    static func insertRaw(_ batch: LoadBatch) -> PostgresQuery {
        """
        INSERT INTO raw_records (source, external_id, content_hash, payload, location, line, run_id)
        SELECT \(batch.pipeline), source_asset_id, content_hash, payload::jsonb, location, line, \(batch.runID.rawValue)
        FROM etl_stage ORDER BY raw_index
        ON CONFLICT (source, content_hash) DO NOTHING
        """
    }

    static func insertObservations(_ batch: LoadBatch) -> PostgresQuery {
        """
        INSERT INTO observations (source, source_asset_id, observed_at, ticker, name, asset_key, price_usd,
            market_cap_usd, volume_24h_usd, percent_change_24h, rank, raw_hash, run_id)
        SELECT \(batch.pipeline), source_asset_id, observed_at, ticker, name, asset_key, price_usd, market_cap_usd,
            volume_24h_usd, percent_change_24h, rank, content_hash, \(batch.runID.rawValue)
        FROM etl_stage WHERE ticker IS NOT NULL
        ON CONFLICT (source, source_asset_id, observed_at) DO NOTHING
        """
    }

    /// The newest observation of each asset (same ticker and normalized name), from any source.
    static func upsertAssets(_ batch: LoadBatch) -> PostgresQuery {
        """
        INSERT INTO assets AS a (ticker, asset_key, name, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, source, source_asset_id, observed_at)
        SELECT DISTINCT ON (ticker, asset_key) ticker, asset_key, name, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, \(batch.pipeline), source_asset_id, observed_at
        FROM etl_stage WHERE ticker IS NOT NULL
        ORDER BY ticker, asset_key, observed_at DESC, raw_index DESC
        ON CONFLICT (ticker, asset_key) DO UPDATE SET name = EXCLUDED.name, price_usd = EXCLUDED.price_usd,
            market_cap_usd = EXCLUDED.market_cap_usd, volume_24h_usd = EXCLUDED.volume_24h_usd,
            percent_change_24h = EXCLUDED.percent_change_24h, rank = EXCLUDED.rank, source = EXCLUDED.source,
            source_asset_id = EXCLUDED.source_asset_id, observed_at = EXCLUDED.observed_at, ingested_at = now()
        WHERE EXCLUDED.observed_at > a.observed_at
        """
    }

    /// Each touched ticker is held by the asset with the largest market cap (then the newest).
    static let refreshUnified = """
        INSERT INTO normalized_records AS n (id, ticker, name, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, source, source_asset_id, created_at)
        SELECT DISTINCT ON (ticker) ticker, ticker, name, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, source, source_asset_id, observed_at
        FROM assets WHERE ticker IN (SELECT DISTINCT ticker FROM etl_stage WHERE ticker IS NOT NULL)
        ORDER BY ticker, market_cap_usd DESC NULLS LAST, observed_at DESC, asset_key
        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, price_usd = EXCLUDED.price_usd,
            market_cap_usd = EXCLUDED.market_cap_usd, volume_24h_usd = EXCLUDED.volume_24h_usd,
            percent_change_24h = EXCLUDED.percent_change_24h, rank = EXCLUDED.rank, source = EXCLUDED.source,
            source_asset_id = EXCLUDED.source_asset_id, created_at = EXCLUDED.created_at, ingested_at = now()
        WHERE (n.source, n.source_asset_id, n.created_at, n.price_usd, n.market_cap_usd)
            IS DISTINCT FROM (EXCLUDED.source, EXCLUDED.source_asset_id, EXCLUDED.created_at, EXCLUDED.price_usd,
                EXCLUDED.market_cap_usd)
        """

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
}
