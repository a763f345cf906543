import ETLFramework
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Writes one batch in ONE transaction and returns what it added to the run's counters.
    ///
    /// Two index probes find the payload versions and observations already stored; only the new
    /// ones are copied (`COPY`) straight into `raw_records` and `observations`. Then the latest state
    /// of each asset and source asset is upserted, the unified record of every touched ticker is
    /// recomputed, and the rejections, the checkpoint and the run's counters are written. A constant
    /// number of round trips per batch, whatever its size.
    public func write(_ batch: LoadBatch, logger: Logger) async throws -> RunCounters {
        let plan = BatchPlan(batch)
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let existingRaw = try await ordinals(
                    of: plan.rawCandidates.map { ByteBuffer(bytes: batch.raw[$0].contentHash) },
                    query: { hashes in
                        """
                        SELECT k.i FROM unnest(\(hashes)::bytea[]) WITH ORDINALITY AS k(hash, i)
                        WHERE EXISTS (SELECT 1 FROM raw_records r WHERE r.source = \(batch.pipeline) AND r.content_hash = k.hash)
                        """
                    }, on: connection, logger: logger)
                let newRaw = plan.newRaw(existing: existingRaw)
                let candidates = plan.observationCandidates(newRaw: newRaw)
                let existingObservations = try await existingObservationOrdinals(
                    candidates.map { batch.quotes[$0] }, source: batch.pipeline, on: connection, logger: logger)
                let newObservations = candidates.enumerated().filter { !existingObservations.contains($0.offset + 1) }
                    .map(\.element)

                if !newRaw.isEmpty {
                    try await copy(Self.rawRows(batch, newRaw), into: "raw_records", columns: Self.rawColumns, on: connection, logger: logger)
                }
                if !newObservations.isEmpty {
                    try await copy(
                        Self.observationRows(batch, newObservations), into: "observations", columns: Self.observationColumns,
                        on: connection, logger: logger)
                }
                if !batch.quotes.isEmpty {
                    try await connection.query(Self.upsertAssets(plan.newestPerAsset, source: batch.pipeline), logger: logger)
                    try await connection.query(Self.upsertSourceAssets(plan.newestPerSourceAsset, source: batch.pipeline), logger: logger)
                    try await connection.query(Self.refreshUnified(plan.tickers), logger: logger)
                }
                if !batch.rejections.isEmpty {
                    try await copy(
                        Self.quarantineRows(batch), into: "quarantine", columns: Self.quarantineColumns, on: connection,
                        logger: logger)
                }
                let quoted = newRaw.filter { plan.quoteOfRaw[$0] != nil }.count
                let counters = RunCounters(
                    processed: quoted, quarantined: batch.rejections.count,
                    skipped: batch.counters.skipped + batch.quotes.count - quoted)
                try await connection.query(
                    """
                    INSERT INTO checkpoints (pipeline, kind, state, run_id) VALUES
                        (\(batch.pipeline), \(batch.checkpoint.kind), \(batch.checkpoint.state)::jsonb, \(batch.runID.rawValue))
                    ON CONFLICT (pipeline) DO UPDATE SET kind = EXCLUDED.kind, state = EXCLUDED.state,
                        run_id = EXCLUDED.run_id, updated_at = now()
                    """, logger: logger)
                try await connection.query(
                    """
                    UPDATE etl_runs SET processed = processed + \(counters.processed),
                        quarantined = quarantined + \(counters.quarantined), skipped = skipped + \(counters.skipped)
                    WHERE id = \(batch.runID.rawValue)
                    """, logger: logger)
                return counters
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "writing a batch of \(batch.pipeline)")
        }
    }

    /// Runs a probe returning 1-based ordinals of the given keys that are already stored.
    func ordinals<Key: PostgresArrayEncodable>(
        of keys: [Key], query: ([Key]) -> PostgresQuery, on connection: PostgresConnection, logger: Logger
    ) async throws -> Set<Int> {
        guard !keys.isEmpty else { return [] }
        var found = Set<Int>()
        for try await ordinal in try await connection.query(query(keys), logger: logger).decode(Int64.self) {
            found.insert(Int(ordinal))
        }
        return found
    }

    func existingObservationOrdinals(
        _ quotes: [Quote], source: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Set<Int> {
        guard !quotes.isEmpty else { return [] }
        let ids = quotes.map(\.sourceAssetID)
        let times = quotes.map { PostgresTimestamp.text($0.observedAt) }
        var found = Set<Int>()
        let rows = try await connection.query(
            """
            SELECT k.i FROM unnest(\(ids)::text[], \(times)::text[]::timestamptz[]) WITH ORDINALITY AS k(id, at, i)
            WHERE EXISTS (SELECT 1 FROM observations o
                          WHERE o.source = \(source) AND o.source_asset_id = k.id AND o.observed_at = k.at)
            """, logger: logger)
        for try await ordinal in rows.decode(Int64.self) { found.insert(Int(ordinal)) }
        return found
    }

    func copy(_ rows: [UInt8], into table: String, columns: [String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            try await writer.write(ByteBuffer(bytes: rows))
        }
    }
}
