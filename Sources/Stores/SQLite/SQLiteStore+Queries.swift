import ETLFramework
import Foundation
import Logging
import SQLiteNIO

/// The read side, on the reader connection: pages and counts in SQL on indexed columns.
extension SQLiteStore {
    static let recordColumns = """
        id, ticker, name, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, rank, source, source_asset_id,
        created_at, ingested_at
        """

    package func unifiedRecords(_ query: RecordQuery, logger: Logger) async throws -> Page<UnifiedRecord> {
        let (filter, binds) = Self.recordFilter(query)
        let (total, totalBinds) = Self.recordTotal(query)
        var keyset = ""
        var keysetBinds: [SQLiteData] = []
        if let after = query.after {
            keyset = " AND id > ?"
            keysetBinds = [.text(after)]
        }
        do {
            // The page, the membership version and the total in one statement: one snapshot.
            let connection = try await reader()
            let rows = try await connection.query(
                """
                SELECT \(Self.recordColumns), (SELECT version FROM unified_members) AS members_version, \(total) AS total
                FROM normalized_records\(filter)\(keyset) ORDER BY id LIMIT ? OFFSET ?
                """, totalBinds + binds + keysetBinds + [.integer(query.limit + 1), .integer(query.offset)])
            var items = rows.compactMap(Self.record)
            guard let first = rows.first, let count = first.column("total")?.integer else {
                let row = try await connection.query(
                    "SELECT (SELECT version FROM unified_members) AS members_version, \(total) AS total", totalBinds
                ).first
                return Page(
                    items: [], total: Int(row?.column("total")?.integer ?? 0), hasMore: false,
                    version: row?.column("members_version")?.integer.map { Int64($0) })
            }
            let hasMore = items.count > query.limit
            if hasMore { items.removeLast() }
            return Page(
                items: items, total: Int(count), hasMore: hasMore, version: first.column("members_version")?.integer.map { Int64($0) })
        } catch {
            throw SQLiteStoreError.wrap(error, while: "reading unified records")
        }
    }

    package func unifiedRecordMarks(source: String?, every: Int, logger: Logger) async throws -> RecordMarks {
        let (filter, binds) = Self.recordFilter(RecordQuery(source: source))
        do {
            let rows = try await reader().query(
                """
                SELECT id, (SELECT version FROM unified_members) AS members_version
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM normalized_records\(filter))
                WHERE n % ? = 0 ORDER BY id
                """, binds + [.integer(every)])
            return RecordMarks(
                version: rows.first?.column("members_version")?.integer.map { Int64($0) }, every: every,
                marks: rows.compactMap { $0.column("id")?.string })
        } catch {
            throw SQLiteStoreError.wrap(error, while: "reading where the pages of unified records start")
        }
    }

    /// The WHERE clause of a record query (without its keyset) and its binds.
    static func recordFilter(_ query: RecordQuery) -> (String, [SQLiteData]) {
        var filter = SQLiteFilter(" WHERE 1")
        filter.condition(" AND source = ?", query.source.map { .text($0) })
        filter.condition(" AND id = ?", query.ticker.map { .text($0) })
        filter.condition(" AND created_at >= ?", query.start)
        filter.condition(" AND created_at <= ?", query.end)
        return (filter.sql, filter.binds)
    }

    /// The total of a record query, as a subquery: by source only, the maintained counts; otherwise
    /// counted.
    static func recordTotal(_ query: RecordQuery) -> (String, [SQLiteData]) {
        if query.isBySourceOnly {
            guard let source = query.source else { return ("(SELECT coalesce(sum(records), 0) FROM unified_counts)", []) }
            return ("(SELECT coalesce(sum(records), 0) FROM unified_counts WHERE source = ?)", [.text(source)])
        }
        let (filter, binds) = recordFilter(query)
        return ("(SELECT count(*) FROM normalized_records\(filter))", binds)
    }

    package func unifiedRecord(ticker: String, logger: Logger) async throws -> UnifiedRecord? {
        do {
            return try await reader().query(
                "SELECT \(Self.recordColumns) FROM normalized_records WHERE id = ?", [.text(ticker)]
            ).first.flatMap(Self.record)
        } catch {
            throw SQLiteStoreError.wrap(error, while: "reading the unified record of \(ticker)")
        }
    }

    package func history(_ query: HistoryQuery, logger: Logger) async throws -> Page<HistoryPoint> {
        var filter = SQLiteFilter(" FROM observations o JOIN source_assets s ON s.id = o.asset_ref WHERE s.ticker = ?", binds: [.text(query.ticker)])
        filter.condition(" AND s.source = ?", query.source.map { .text($0) })
        filter.condition(" AND o.observed_at >= ?", query.start)
        filter.condition(" AND o.observed_at <= ?", query.end)
        return try await page(
            select: """
                SELECT s.source, s.source_asset_id, o.ticker, o.observed_at, o.price_usd, o.market_cap_usd, o.volume_24h_usd,
                    o.percent_change_24h, o.rank\(filter.sql) ORDER BY o.observed_at DESC, s.source, s.source_asset_id
                """,
            count: "SELECT count(*) AS n\(filter.sql)", binds: filter.binds, limit: query.limit, offset: query.offset,
            doing: "reading the history of \(query.ticker)"
        ) { row in
            guard let source = row.column("source")?.string, let id = row.column("source_asset_id")?.string,
                let ticker = row.column("ticker")?.string, let at = row.column("observed_at")?.double,
                let price = row.column("price_usd")?.string
            else { return nil }
            return HistoryPoint(
                source: source, sourceAssetID: id, ticker: ticker, observedAt: Timestamp(secondsSince1970: at), priceUSD: price,
                marketCapUSD: row.column("market_cap_usd")?.string, volume24hUSD: row.column("volume_24h_usd")?.string,
                percentChange24h: row.column("percent_change_24h")?.string, rank: row.column("rank")?.integer)
        }
    }

    package func runs(_ query: RunQuery, logger: Logger) async throws -> Page<RunRecord> {
        var filter = SQLiteFilter(" FROM etl_runs WHERE 1")
        filter.condition(" AND pipeline = ?", query.pipeline.map { .text($0) })
        filter.condition(" AND status = ?", query.status.map { .text($0.rawValue) })
        return try await page(
            select: "SELECT \(Self.runColumns)\(filter.sql) ORDER BY id DESC", count: "SELECT count(*) AS n\(filter.sql)",
            binds: filter.binds,
            limit: query.limit, offset: query.offset, doing: "reading the run history", Self.run)
    }

    package func run(id: RunID, rejectionLimit: Int, logger: Logger) async throws -> RunDetail? {
        do {
            let connection = try await reader()
            guard
                let run = try await connection.query(
                    "SELECT \(Self.runColumns) FROM etl_runs WHERE id = ?", [.integer(Int(id.rawValue))]
                ).first.flatMap(Self.run)
            else { return nil }
            let rows = try await connection.query(
                "SELECT location, line, field, reason, raw FROM quarantine WHERE run_id = ? ORDER BY id LIMIT ?",
                [.integer(Int(id.rawValue)), .integer(rejectionLimit)])
            let rejections = rows.map { row in
                Rejection(
                    location: RecordLocation(line: row.column("line")?.integer, description: row.column("location")?.string ?? ""),
                    field: row.column("field")?.string, reason: row.column("reason")?.string ?? "", raw: row.column("raw")?.string ?? "")
            }
            let total =
                try await connection.query("SELECT count(*) AS n FROM quarantine WHERE run_id = ?", [.integer(Int(id.rawValue))])
                .first?.column("n")?.integer ?? 0
            return RunDetail(run: run, rejections: rejections, rejectionCount: total)
        } catch {
            throw SQLiteStoreError.wrap(error, while: "reading run \(id)")
        }
    }

    package func statistics(logger: Logger) async throws -> StoreStatistics {
        do {
            let connection = try await reader()
            let totals = try await connection.query(
                """
                SELECT pipeline, count(*) AS runs, sum(status = 'failed') AS failed, sum(processed) AS processed,
                    sum(quarantined) AS quarantined, sum(skipped) AS skipped, sum(filtered) AS filtered
                FROM etl_runs GROUP BY pipeline ORDER BY pipeline
                """)
            let last = try await latestRuns(where: "1"), successes = try await latestRuns(where: "status = 'success'")
            let failures = try await latestRuns(where: "status = 'failed'")
            let pipelines = totals.compactMap { row -> PipelineStatistics? in
                guard let name = row.column("pipeline")?.string else { return nil }
                return PipelineStatistics(
                    pipeline: name, totalRuns: row.column("runs")?.integer ?? 0, failedRuns: row.column("failed")?.integer ?? 0,
                    totalProcessed: row.column("processed")?.integer ?? 0, totalQuarantined: row.column("quarantined")?.integer ?? 0,
                    totalSkipped: row.column("skipped")?.integer ?? 0,
                    totalFiltered: row.column("filtered")?.integer ?? 0, lastRun: last[name], lastSuccess: successes[name],
                    lastFailure: failures[name])
            }
            let normalized = try await connection.query("SELECT count(*) AS n FROM normalized_records").first?.column("n")?.integer ?? 0
            return StoreStatistics(totalNormalized: normalized, pipelines: pipelines)
        } catch {
            throw SQLiteStoreError.wrap(error, while: "reading run statistics")
        }
    }

    package func latestRuns(logger: Logger) async throws -> [String: RunRecord] {
        do {
            return try await latestRuns(where: "1")
        } catch {
            throw SQLiteStoreError.wrap(error, while: "reading the latest runs")
        }
    }

    /// The newest run per pipeline matching `condition` (a fixed SQL text, never user input).
    func latestRuns(where condition: StaticString) async throws -> [String: RunRecord] {
        let rows = try await reader().query(
            """
            SELECT \(Self.runColumns) FROM etl_runs WHERE id IN (
                SELECT max(id) FROM etl_runs WHERE \(condition) GROUP BY pipeline)
            """)
        var runs: [String: RunRecord] = [:]
        for row in rows { if let run = Self.run(row) { runs[run.pipeline] = run } }
        return runs
    }

    package func ping(logger: Logger) async throws {
        do {
            _ = try await reader().query("SELECT 1")
        } catch {
            throw SQLiteStoreError.wrap(error, while: "checking the database")
        }
    }

    func page<Item: Sendable>(
        select: String, count: String, binds: [SQLiteData], limit: Int, offset: Int, doing operation: String,
        _ item: (SQLiteRow) -> Item?
    ) async throws -> Page<Item> {
        do {
            let connection = try await reader()
            let rows = try await connection.query(select + " LIMIT ? OFFSET ?", binds + [.integer(limit), .integer(offset)])
            let total = try await connection.query(count, binds).first?.column("n")?.integer ?? 0
            return Page(items: rows.compactMap(item), total: total)
        } catch {
            throw SQLiteStoreError.wrap(error, while: operation)
        }
    }

    static func record(_ row: SQLiteRow) -> UnifiedRecord? {
        guard let id = row.column("id")?.string, let ticker = row.column("ticker")?.string,
            let price = row.column("price_usd")?.string, let source = row.column("source")?.string,
            let sourceID = row.column("source_asset_id")?.string, let created = row.column("created_at")?.double,
            let ingested = row.column("ingested_at")?.double
        else { return nil }
        return UnifiedRecord(
            id: id, ticker: ticker, name: row.column("name")?.string, priceUSD: price,
            marketCapUSD: row.column("market_cap_usd")?.string, volume24hUSD: row.column("volume_24h_usd")?.string,
            percentChange24h: row.column("percent_change_24h")?.string, rank: row.column("rank")?.integer, source: source,
            sourceAssetID: sourceID, createdAt: Timestamp(secondsSince1970: created),
            ingestedAt: Timestamp(secondsSince1970: ingested))
    }
}
