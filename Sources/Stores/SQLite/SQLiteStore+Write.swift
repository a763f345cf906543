import ETLFramework
import Foundation
import Logging
import NIOCore
import SQLiteNIO

extension SQLiteStore {
    /// Writes one batch in ONE transaction, with the PostgreSQL store's rules: new payload versions
    /// and observations only, the newest state per asset, the unified record of each touched ticker
    /// recomputed (larger market cap, then newer), rejections, checkpoint and run counters.
    package func write(_ prepared: LoadBatch, logger: Logger) async throws -> RunCounters {
        let pipeline = prepared.pipeline
        do {
            let counters = try await transaction { connection in
                var plan = BatchPlan(prepared)
                let now = Self.now()
                let refs = try await sourceAssetRefs(plan, on: connection)
                // New data, the common case, is inserted without a lookup; when a row is stored
                // already (a file read again), the inserts are undone and two probes find what exists.
                var newRaw = plan.rawCandidates
                var newObservations = plan.observationCandidates
                _ = try await connection.query("SAVEPOINT batch_insert")
                do {
                    try await insertRows(plan, raw: newRaw, observations: newObservations, refs: refs, now: now, on: connection)
                    _ = try await connection.query("RELEASE batch_insert")
                } catch let error where Self.isUniqueViolation(error) {
                    _ = try await connection.query("ROLLBACK TO batch_insert")
                    _ = try await connection.query("RELEASE batch_insert")
                    let existingRaw = try await existing(
                        "SELECT id FROM raw_records WHERE id IN", values: plan.rawCandidates.map { .text(plan.rawIDs[$0]) },
                        on: connection)
                    newRaw = plan.rawCandidates.filter { !existingRaw.contains(plan.rawIDs[$0]) }
                    let candidates = plan.observationCandidates
                    let quotes = plan.batch.quotes
                    let stored = try await storedObservations(candidates.map { quotes[$0] }, refs: refs, on: connection)
                    (plan, newObservations) = plan.settling(candidates) { index in
                        stored[ObservationKey(ref: refs[quotes[index].sourceAssetID] ?? -1, at: quotes[index].observedAt.timeIntervalSince1970)]
                    }
                    try await insertRows(plan, raw: newRaw, observations: newObservations, refs: refs, now: now, on: connection)
                }
                let batch = plan.batch
                var anomalies = 0
                if let limit = batch.priceMoveLimit {
                    anomalies = try await recordPriceMoves(plan, observations: newObservations, limit: limit, on: connection)
                }
                if !batch.quotes.isEmpty {
                    try await upsertAssets(plan, now: now, on: connection)
                    try await refreshUnified(plan.tickers, now: now, on: connection)
                }
                try await insert(
                    "quarantine", ["run_id", "source", "location", "line", "field", "reason", "raw", "created_at"],
                    batch.rejections.map { rejection in
                        [
                            .integer(Int(batch.runID.rawValue)), .text(batch.pipeline), .text(rejection.location.description),
                            rejection.location.line.map { .integer($0) } ?? .null, rejection.field.map { .text($0) } ?? .null,
                            .text(rejection.reason), .text(rejection.raw), .float(now),
                        ]
                    }, on: connection)
                let counters = RunCounters(
                    processed: newObservations.count, quarantined: batch.rejections.count,
                    skipped: batch.counters.skipped + batch.quotes.count - newObservations.count,
                    filtered: batch.counters.filtered, anomalies: anomalies)
                _ = try await connection.query(
                    """
                    INSERT INTO checkpoints (pipeline, kind, state, run_id, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (pipeline) DO UPDATE SET kind = excluded.kind, state = excluded.state, run_id = excluded.run_id,
                        updated_at = excluded.updated_at
                    """,
                    [
                        .text(batch.pipeline), .text(batch.checkpoint.kind), .text(batch.checkpoint.state), .integer(Int(batch.runID.rawValue)),
                        .float(now),
                    ])
                _ = try await connection.query(
                    """
                    UPDATE etl_runs SET processed = processed + ?, quarantined = quarantined + ?, skipped = skipped + ?,
                        filtered = filtered + ?, anomalies = anomalies + ? WHERE id = ?
                    """,
                    [
                        .integer(counters.processed), .integer(counters.quarantined), .integer(counters.skipped), .integer(counters.filtered),
                        .integer(counters.anomalies), .integer(Int(batch.runID.rawValue)),
                    ])
                return counters
            }
            state.changed()
            return counters
        } catch {
            throw SQLiteStoreError.wrap(error, while: "writing a batch of \(pipeline)")
        }
    }

    /// Inserts the raw records `raw` and the observations `observations` (indices into the plan), each
    /// in the order of its table's key: a batch's rows then go to the key's B-tree in one pass over
    /// its pages instead of to scattered ones.
    func insertRows(
        _ plan: BatchPlan, raw: [Int], observations: [Int], refs: [String: Int], now: Double, on connection: SQLiteConnection
    ) async throws {
        let batch = plan.batch
        let raw = raw.sorted { plan.rawIDs[$0] < plan.rawIDs[$1] }
        let observations = observations.sorted { a, b in
            let (left, right) = (batch.quotes[a], batch.quotes[b])
            let (leftRef, rightRef) = (refs[left.sourceAssetID] ?? -1, refs[right.sourceAssetID] ?? -1)
            return leftRef != rightRef ? leftRef < rightRef : left.observedAt < right.observedAt
        }
        try await insert(
            "raw_records",
            ["id", "source", "content_hash", "external_id", "payload", "location", "line", "run_id", "ingested_at", "observed_at"],
            raw.map { index in
                let raw = batch.raw[index]
                return [
                    .text(plan.rawIDs[index]), .text(batch.pipeline), .blob(ByteBuffer(bytes: raw.contentHash)),
                    plan.quoteOfRaw[index].map { .text(batch.quotes[$0].sourceAssetID) } ?? .null, .text(raw.payloadText),
                    .text(raw.location.description), raw.location.line.map { .integer($0) } ?? .null,
                    .integer(Int(batch.runID.rawValue)), .float(now),
                    plan.quoteOfRaw[index].map { .float(batch.quotes[$0].observedAt.timeIntervalSince1970) } ?? .null,
                ]
            }, on: connection)
        try await insert(
            "observations",
            [
                "asset_ref", "observed_at", "ticker", "price_usd", "market_cap_usd", "volume_24h_usd", "percent_change_24h", "rank", "raw_id",
                "run_id", "ingested_at",
            ],
            observations.map { index in
                let quote = batch.quotes[index]
                return [
                    .integer(refs[quote.sourceAssetID] ?? -1), .float(quote.observedAt.timeIntervalSince1970), .text(quote.ticker),
                    .text(quote.priceUSD.description), Self.text(quote.marketCapUSD), Self.text(quote.volume24hUSD),
                    Self.text(quote.percentChange24h), quote.rank.map { .integer($0) } ?? .null,
                    .text(plan.rawIDs[quote.rawIndex]), .integer(Int(batch.runID.rawValue)), .float(now),
                ]
            }, on: connection)
    }

    /// Whether `error` is a unique or primary key violation (a row stored already).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        switch error.reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed: return true
        case .constraint: return error.message.hasPrefix("UNIQUE constraint failed")
        default: return false
        }
    }

    static func text(_ value: ExactDecimal?) -> SQLiteData {
        value.map { .text($0.description) } ?? .null
    }

    struct ObservationKey: Hashable {
        var ref: Int
        var at: Double
    }

    /// Inserts rows in statements of up to 30,000 binds, each ending with `onConflict` (an upsert
    /// clause) when given: one statement per few thousand rows, not one per row.
    func insert(
        _ table: String, _ columns: [String], _ rows: [[SQLiteData]], onConflict: String = "", on connection: SQLiteConnection
    ) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, 30_000 / columns.count)
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            let sql =
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                + Array(repeating: tuple, count: chunk.count).joined(separator: ", ") + (onConflict.isEmpty ? "" : " " + onConflict)
            _ = try await connection.query(sql, chunk.flatMap { $0 })
        }
    }

    /// The values of `values` that `select` (`... WHERE column IN`) finds, asked in chunks.
    func existing(_ select: String, values: [SQLiteData], on connection: SQLiteConnection) async throws -> Set<String> {
        var found = Set<String>()
        for start in stride(from: 0, to: values.count, by: 900) {
            let chunk = Array(values[start..<min(values.count, start + 900)])
            let sql = select + " (" + Array(repeating: "?", count: chunk.count).joined(separator: ", ") + ")"
            for row in try await connection.query(sql, chunk) {
                if let text = row.columns.first?.data.string { found.insert(text) }
            }
        }
        return found
    }

    /// The stored values of those of `quotes` already observed, by (source asset, observed-at).
    func storedObservations(
        _ quotes: [Quote], refs: [String: Int], on connection: SQLiteConnection
    ) async throws -> [ObservationKey: ObservedValues] {
        var found: [ObservationKey: ObservedValues] = [:]
        for start in stride(from: 0, to: quotes.count, by: 450) {
            let chunk = quotes[start..<min(quotes.count, start + 450)]
            let sql = """
                SELECT asset_ref, observed_at, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, rank
                FROM observations WHERE (asset_ref, observed_at) IN (VALUES
                """ + Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ") + ")"
            let binds: [SQLiteData] = chunk.flatMap { quote in
                [.integer(refs[quote.sourceAssetID] ?? -1), .float(quote.observedAt.timeIntervalSince1970)]
            }
            for row in try await connection.query(sql, binds) {
                if let ref = row.column("asset_ref")?.integer, let at = row.column("observed_at")?.double,
                    let price = row.column("price_usd")?.string
                {
                    found[ObservationKey(ref: ref, at: at)] = ObservedValues(
                        priceUSD: price, marketCapUSD: row.column("market_cap_usd")?.string,
                        volume24hUSD: row.column("volume_24h_usd")?.string,
                        percentChange24h: row.column("percent_change_24h")?.string, rank: row.column("rank")?.integer)
                }
            }
        }
        return found
    }

    /// The id of each of the batch's source assets. One read finds those stored; only new ones are
    /// inserted, and only those whose ticker or name changed are updated (see the PostgreSQL store).
    func sourceAssetRefs(_ plan: BatchPlan, on connection: SQLiteConnection) async throws -> [String: Int] {
        let quotes = plan.newestPerSourceAsset
        guard !quotes.isEmpty else { return [:] }
        let source = plan.batch.pipeline
        var refs: [String: Int] = [:]
        var stored: [String: (ticker: String?, name: String?)] = [:]
        func read(_ ids: [String]) async throws {
            for start in stride(from: 0, to: ids.count, by: 900) {
                let chunk = ids[start..<min(ids.count, start + 900)].map { SQLiteData.text($0) }
                let rows = try await connection.query(
                    "SELECT id, source_asset_id, ticker, name FROM source_assets WHERE source = ? AND source_asset_id IN ("
                        + Array(repeating: "?", count: chunk.count).joined(separator: ", ") + ")",
                    [.text(source)] + chunk)
                for row in rows {
                    guard let id = row.column("id")?.integer, let key = row.column("source_asset_id")?.string else { continue }
                    refs[key] = Int(id)
                    stored[key] = (row.column("ticker")?.string, row.column("name")?.string)
                }
            }
        }
        try await read(quotes.map(\.sourceAssetID))
        let new = quotes.filter { refs[$0.sourceAssetID] == nil }
        let renamed = quotes.filter { quote in
            stored[quote.sourceAssetID].map { $0.ticker != quote.ticker || $0.name != quote.name } ?? false
        }
        try await insert(
            "source_assets", ["source", "source_asset_id", "ticker", "name"],
            new.map { [.text(source), .text($0.sourceAssetID), .text($0.ticker), $0.name.map { .text($0) } ?? .null] },
            on: connection)
        for quote in renamed {
            _ = try await connection.query(
                """
                UPDATE source_assets SET ticker = ?, name = ? WHERE id = ?
                    AND ? >= coalesce((SELECT max(observed_at) FROM observations WHERE asset_ref = ?), -1e300)
                """,
                [
                    .text(quote.ticker), quote.name.map { .text($0) } ?? .null, .integer(refs[quote.sourceAssetID] ?? -1),
                    .float(quote.observedAt.timeIntervalSince1970), .integer(refs[quote.sourceAssetID] ?? -1),
                ])
        }
        if !new.isEmpty { try await read(new.map(\.sourceAssetID)) }
        return refs
    }

    /// The newest observation of each asset (same ticker and normalized name), from any source.
    func upsertAssets(_ plan: BatchPlan, now: Double, on connection: SQLiteConnection) async throws {
        try await insert(
            "assets",
            [
                "ticker", "asset_key", "name", "price_usd", "market_cap_usd", "volume_24h_usd", "percent_change_24h", "rank", "source",
                "source_asset_id", "observed_at", "ingested_at",
            ],
            plan.newestPerAsset.map { quote in
                [
                    .text(quote.ticker), .text(quote.assetKey), quote.name.map { .text($0) } ?? .null, .text(quote.priceUSD.description),
                    Self.text(quote.marketCapUSD), Self.text(quote.volume24hUSD), Self.text(quote.percentChange24h),
                    quote.rank.map { .integer($0) } ?? .null, .text(plan.batch.pipeline), .text(quote.sourceAssetID),
                    .float(quote.observedAt.timeIntervalSince1970), .float(now),
                ]
            },
            onConflict: """
                ON CONFLICT (ticker, asset_key) DO UPDATE SET name = excluded.name, price_usd = excluded.price_usd,
                    market_cap_usd = excluded.market_cap_usd, volume_24h_usd = excluded.volume_24h_usd,
                    percent_change_24h = excluded.percent_change_24h, rank = excluded.rank, source = excluded.source,
                    source_asset_id = excluded.source_asset_id, observed_at = excluded.observed_at, ingested_at = excluded.ingested_at
                WHERE excluded.observed_at > assets.observed_at
                    OR (excluded.observed_at = assets.observed_at AND excluded.source < assets.source)
                """, on: connection)
    }

    /// Each touched ticker is held by the asset with the largest market cap (then the newest).
    func refreshUnified(_ tickers: [String], now: Double, on connection: SQLiteConnection) async throws {
        for start in stride(from: 0, to: tickers.count, by: 900) {
            let chunk = tickers[start..<min(tickers.count, start + 900)].map { SQLiteData.text($0) }
            _ = try await connection.query(
                """
                INSERT INTO normalized_records (id, ticker, name, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h,
                    rank, source, source_asset_id, created_at, ingested_at)
                SELECT ticker, ticker, name, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, rank, source,
                    source_asset_id, observed_at, ?
                FROM (SELECT *, row_number() OVER (PARTITION BY ticker
                        ORDER BY CAST(market_cap_usd AS REAL) DESC NULLS LAST, observed_at DESC, asset_key) AS position
                      FROM assets WHERE ticker IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", "))))
                WHERE position = 1
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, price_usd = excluded.price_usd,
                    market_cap_usd = excluded.market_cap_usd, volume_24h_usd = excluded.volume_24h_usd,
                    percent_change_24h = excluded.percent_change_24h, rank = excluded.rank, source = excluded.source,
                    source_asset_id = excluded.source_asset_id, created_at = excluded.created_at, ingested_at = excluded.ingested_at
                WHERE (normalized_records.source, normalized_records.source_asset_id, normalized_records.created_at,
                       normalized_records.price_usd, normalized_records.market_cap_usd)
                    IS NOT (excluded.source, excluded.source_asset_id, excluded.created_at, excluded.price_usd, excluded.market_cap_usd)
                """,
                [.float(now)] + chunk)
        }
    }
}
