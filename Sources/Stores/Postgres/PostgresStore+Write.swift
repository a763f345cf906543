import ETLFramework
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Writes one batch in ONE transaction and returns what it added to the run's counters.
    /// ``prepare(_:)`` has encoded its rows beforehand, off the write path.
    ///
    /// The batch's source assets are upserted first (their ids key the observations). The new raw
    /// record versions and observations are then copied (`COPY`) straight into their tables, inside a
    /// savepoint: new data, the common case, costs no lookup. When a row is already stored (a file read
    /// again), the savepoint is rolled back, two index probes find what exists, and only the rest is
    /// copied. Then the latest state of each asset is upserted, the unified record of every touched
    /// ticker recomputed, and the rejections, the checkpoint and the run's counters written. A constant
    /// number of round trips per batch, whatever its size.
    package func prepare(_ batch: LoadBatch) -> EncodedBatch {
        EncodedBatch(batch)
    }

    /// Batches of concurrent pipelines lock the rows they share in one order (``LockOrder``); a batch
    /// that still meets a deadlock or a serialization failure (partition creation racing a batch, a
    /// statement written by hand) is tried again, with a random pause (``TransactionConflict``).
    package func write(_ encoded: EncodedBatch, logger: Logger) async throws -> RunCounters {
        let pipeline = encoded.plan.batch.pipeline, run = encoded.plan.batch.runID
        do {
            let written = try await failingFastWhenDown("writing a batch of \(pipeline)", logger: logger) {
                try await writeRetryingConflicts(encoded, logger: logger)
            }
            runAssets.record(written.pending, published: written.published, rows: written.counters.processed, of: run)
            let counters = written.counters
            primary.answered()
            // This host's reads must see the batch from now on, before its notification arrives.
            await noteChange(logger: logger)
            return counters
        } catch {
            // The batch may have committed unseen: the run's end reads what it left from the database.
            if encoded.plan.batch.defersLatestState { runAssets.markUncertain(run) }
            throw PostgresStoreError.wrap(error, while: "writing a batch of \(pipeline)")
        }
    }

    /// What a committed batch did.
    struct WrittenBatch: Sendable {
        var counters: RunCounters
        /// The source assets whose latest state the batch left to its run's end, at their newest new
        /// observation.
        var pending: [Int32: Date] = [:]
        /// The source assets with new observations whose latest state the batch wrote itself.
        var published: [Int32] = []
    }

    func writeRetryingConflicts(_ encoded: EncodedBatch, logger: Logger) async throws -> WrittenBatch {
        try await TransactionConflict.retrying("writing a batch", pipeline: encoded.plan.batch.pipeline, logger: logger) {
            try await ensurePartitions(months: encoded.months, logger: logger)
            do {
                return try await writeTransaction(encoded, logger: logger)
            } catch let error where Self.isMissingPartition(error) {
                // A partition this process had seen was dropped since (retention, here or elsewhere):
                // the transaction left nothing behind; create what is missing and write again.
                knownPartitions.forget()
                try await ensurePartitions(months: encoded.months, logger: logger)
                return try await writeTransaction(encoded, logger: logger)
            }
        }
    }

    /// A batch that leaves its latest state to the run's end (``LoadBatch/defersLatestState``) still
    /// writes it when it brings a source asset the run has not stored before: deferring gains nothing
    /// there (a file of distinct tickers, a run's first batch). Its statements are built only then.
    func writeTransaction(_ encoded: EncodedBatch, logger: Logger) async throws -> WrittenBatch {
        try await client.withTransaction(logger: logger) { connection in
            var plan = encoded.plan
            let refs = try await sourceAssetRefs(
                encoded.sourceAssets, source: plan.batch.pipeline, on: connection, logger: logger)
            var newRaw = plan.rawCandidates
            var newObservations = encoded.observationQuotes
            try await connection.query("SAVEPOINT batch_copy", logger: logger)
            do {
                if !newRaw.isEmpty {
                    try await copy(encoded.rawRows, into: "raw_records", columns: Self.rawColumns, on: connection, logger: logger)
                }
                if !newObservations.isEmpty {
                    let rows = Self.observationRows(plan, newObservations, tails: encoded.observationTails, refs: refs)
                    try await copy(rows, into: "observations", columns: Self.observationColumns, on: connection, logger: logger)
                }
                try await connection.query("RELEASE SAVEPOINT batch_copy", logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                // Some of it is stored already: probe, then copy only the rest. Every quote is a
                // candidate, also one whose payload is stored (it may have been quarantined before).
                try await connection.query("ROLLBACK TO SAVEPOINT batch_copy", logger: logger)
                let existingRaw = try await existingOrdinals(
                    rawIDs: newRaw.map { plan.rawIDs[$0] }, times: newRaw.map { Self.rawTime(plan, $0) }, on: connection,
                    logger: logger)
                newRaw = newRaw.enumerated().filter { !existingRaw.contains($0.offset + 1) }.map(\.element)
                let candidates = encoded.observationQuotes
                let stored = try await storedObservations(candidates, of: plan, refs: refs, on: connection, logger: logger)
                (plan, newObservations) = plan.settling(candidates) { stored[$0] }
                try await copyRecords(plan, raw: newRaw, observations: newObservations, refs: refs, on: connection, logger: logger)
            }
            let batch = plan.batch
            var written = WrittenBatch(counters: RunCounters())
            let newRefs = Set(newObservations.compactMap { refs[batch.quotes[$0].sourceAssetID] })
            let defers = batch.defersLatestState && !runAssets.hasUnseen(newRefs, of: batch.runID)
            if !batch.quotes.isEmpty, !defers {
                // From here to the commit, no other batch changes these tickers (see LockOrder).
                try await connection.query(Self.lockTickers(encoded.tickerBuckets), logger: logger)
            }
            var anomalies = 0
            if let limit = batch.priceMoveLimit {
                anomalies = try await recordPriceMoves(
                    plan, observations: newObservations, limit: limit, refs: refs,
                    own: batch.defersLatestState ? runAssets.newest(of: batch.runID) : nil,
                    on: connection, logger: logger)
            }
            if !defers, !batch.quotes.isEmpty {
                try await connection.query(
                    Self.upsertAssets(Self.sortedForLocking(plan.newestPerAsset), source: batch.pipeline), logger: logger)
                try await connection.query(Self.refreshUnified(plan.tickers), logger: logger)
                written.published = Array(newRefs)
            }
            var newest: [Int32: Date] = [:]
            if defers {
                for index in newObservations {
                    let quote = batch.quotes[index]
                    guard let ref = refs[quote.sourceAssetID] else { continue }
                    if let known = newest[ref], known >= quote.observedAt { continue }
                    newest[ref] = quote.observedAt
                }
                let unrecorded = runAssets.unrecorded(newest.keys, of: batch.runID)
                if !unrecorded.isEmpty {
                    try await connection.query(LatestPublication.markPending(run: batch.runID, refs: unrecorded.sorted()), logger: logger)
                }
            }
            if !batch.rejections.isEmpty {
                try await copy(
                    Self.quarantineRows(batch), into: "quarantine", columns: Self.quarantineColumns, on: connection,
                    logger: logger)
            }
            let counters = RunCounters(
                processed: newObservations.count, quarantined: batch.rejections.count,
                skipped: batch.counters.skipped + batch.quotes.count - newObservations.count,
                filtered: batch.counters.filtered, anomalies: anomalies)
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
                    quarantined = quarantined + \(counters.quarantined), skipped = skipped + \(counters.skipped),
                    filtered = filtered + \(counters.filtered), anomalies = anomalies + \(counters.anomalies),
                    latest_pending = latest_pending OR \(!newest.isEmpty)
                WHERE id = \(batch.runID.rawValue)
                """, logger: logger)
            try await connection.query(Self.notifyChange, logger: logger)
            written.counters = counters
            written.pending = newest
            return written
        }
    }

    /// The id of each of the batch's source assets (by source asset id). One read finds those stored;
    /// only new ones are inserted, and only those whose ticker, name or asset key changed (or was
    /// never stored) are updated: a batch of known assets writes nothing here.
    func sourceAssetRefs(
        _ quotes: [Quote], source: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: Int32] {
        guard !quotes.isEmpty else { return [:] }
        var refs: [String: Int32] = [:]
        refs.reserveCapacity(quotes.count)
        var stored: [String: (ticker: String, name: String?, assetKey: String?)] = [:]
        let rows = try await connection.query(
            """
            SELECT id, source_asset_id, ticker, name, asset_key FROM source_assets
            WHERE source = \(source) AND source_asset_id = ANY(\(quotes.map(\.sourceAssetID))::text[])
            """, logger: logger)
        for try await (id, sourceAssetID, ticker, name, assetKey) in rows.decode((Int32, String, String, String?, String?).self) {
            refs[sourceAssetID] = id
            stored[sourceAssetID] = (ticker, name, assetKey)
        }
        let new = quotes.filter { refs[$0.sourceAssetID] == nil }
        if !new.isEmpty {
            let inserted = try await connection.query(Self.insertSourceAssets(new, source: source), logger: logger)
            for try await (id, sourceAssetID) in inserted.decode((Int32, String).self) { refs[sourceAssetID] = id }
        }
        let renamed = quotes.filter { quote in
            stored[quote.sourceAssetID].map {
                $0.ticker != quote.ticker || $0.name != quote.name || $0.assetKey != quote.assetKey
            } ?? false
        }
        if !renamed.isEmpty {
            try await connection.query(Self.renameSourceAssets(renamed, refs: refs), logger: logger)
        }
        return refs
    }

    /// Copies the given raw records and observations (the slow path, after probing).
    func copyRecords(
        _ plan: BatchPlan, raw: [Int], observations: [Int], refs: [String: Int32], on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        if !raw.isEmpty {
            try await copy(Self.rawRows(plan, raw), into: "raw_records", columns: Self.rawColumns, on: connection, logger: logger)
        }
        if !observations.isEmpty {
            let rows = Self.observationRows(plan, observations, tails: Self.observationTails(plan, observations), refs: refs)
            try await copy(rows, into: "observations", columns: Self.observationColumns, on: connection, logger: logger)
        }
    }

    /// 1-based ordinals of the raw record ids already stored.
    /// Probes by the whole key (id, observation time), so each probe reads one partition.
    func existingOrdinals(rawIDs: [String], times: [String], on connection: PostgresConnection, logger: Logger) async throws -> Set<Int> {
        guard !rawIDs.isEmpty else { return [] }
        return try await ordinals(
            """
            SELECT k.i FROM unnest(\(rawIDs)::text[]::uuid[], \(times)::text[]::timestamptz[]) WITH ORDINALITY AS k(id, at, i)
            WHERE EXISTS (SELECT 1 FROM raw_records r WHERE r.id = k.id AND r.observed_at = k.at)
            """, on: connection, logger: logger)
    }

    /// The stored values of the candidate quotes' observations (source asset, observed-at) that are
    /// stored already, by quote index.
    func storedObservations(
        _ candidates: [Int], of plan: BatchPlan, refs: [String: Int32], on connection: PostgresConnection, logger: Logger
    ) async throws -> [Int: ObservedValues] {
        guard !candidates.isEmpty else { return [:] }
        let quotes = candidates.map { plan.batch.quotes[$0] }
        let assetRefs = quotes.map { refs[$0.sourceAssetID] ?? -1 }
        let times = quotes.map { PostgresTimestamp.text($0.observedAt) }
        let rows = try await connection.query(
            """
            SELECT k.i, o.price_usd::text, o.market_cap_usd::text, o.volume_24h_usd::text, o.percent_change_24h::text, o.rank
            FROM unnest(\(assetRefs)::int4[], \(times)::text[]::timestamptz[]) WITH ORDINALITY AS k(ref, at, i)
            JOIN observations o ON o.asset_ref = k.ref AND o.observed_at = k.at
            """, logger: logger)
        var found: [Int: ObservedValues] = [:]
        for try await (ordinal, price, cap, volume, change, rank) in rows.decode((Int64, String, String?, String?, String?, Int32?).self) {
            found[candidates[Int(ordinal) - 1]] = ObservedValues(
                priceUSD: price, marketCapUSD: cap, volume24hUSD: volume, percentChange24h: change, rank: rank.map(Int.init))
        }
        return found
    }

    func ordinals(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> Set<Int> {
        var found = Set<Int>()
        for try await ordinal in try await connection.query(query, logger: logger).decode(Int64.self) {
            found.insert(Int(ordinal))
        }
        return found
    }

    func copy(_ rows: [UInt8], into table: String, columns: [String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            try await writer.write(ByteBuffer(bytes: rows))
        }
    }
}
