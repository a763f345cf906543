import ETLFramework
import Foundation
import Logging
import PostgresNIO

/// The read side: pages and counts in SQL, every filter a bind, every order backed by an index.
extension PostgresStore {
    package func unifiedRecords(_ query: RecordQuery, logger: Logger) async throws -> Page<UnifiedRecord> {
        do {
            return try await reading(logger: logger) { client in
                var rows: [PreparedReads.RecordRow] = []
                let unfiltered = query.source == nil && query.start == nil && query.end == nil
                if unfiltered, let ticker = query.ticker, query.after == nil {
                    let statement = PreparedReads.Ticker(ticker: ticker, limit: query.limit + 1, offset: query.offset)
                    for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
                } else if unfiltered, query.ticker == nil {
                    let statement = PreparedReads.RecordPage(after: query.after ?? "", limit: query.limit + 1, offset: query.offset)
                    for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
                } else {
                    // The page, the membership version and the total in one statement: one snapshot.
                    var select = SQLBuilder("SELECT ")
                    select.trustedSQL(Self.recordColumns)
                    select.sql(", (SELECT version FROM unified_members), ")
                    Self.appendTotal(query, to: &select)
                    select.sql(" FROM normalized_records")
                    Self.appendFilter(query, to: &select)
                    select.condition(" AND id > ", query.after)
                    Self.appendPage(limit: query.limit + 1, offset: query.offset, orderBy: " ORDER BY id", to: &select)
                    for try await row in try await client.query(select.query, logger: logger) { rows.append(try PreparedReads.recordRow(row)) }
                }
                guard let first = rows.first else {
                    // An empty page: the version and the total alone.
                    var counting = SQLBuilder("SELECT (SELECT version FROM unified_members), ")
                    Self.appendTotal(query, to: &counting)
                    for try await (version, total) in try await client.query(counting.query, logger: logger).decode((Int64, Int64).self) {
                        return Page(items: [], total: Int(total), hasMore: false, version: version)
                    }
                    return Page(items: [], total: 0, hasMore: false)
                }
                let hasMore = rows.count > query.limit
                return Page(
                    items: rows.prefix(query.limit).map(\.record), total: Int(first.total), hasMore: hasMore, version: first.version)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading unified records")
        }
    }

    package func unifiedRecordMarks(source: String?, every: Int, logger: Logger) async throws -> RecordMarks {
        do {
            return try await reading(logger: logger) { client in
                var select = SQLBuilder("SELECT id, (SELECT version FROM unified_members) FROM (SELECT id, row_number() OVER (ORDER BY id) AS n")
                select.sql(" FROM normalized_records")
                Self.appendFilter(RecordQuery(source: source), to: &select)
                select.sql(") AS ordered WHERE n % ")
                select.bind(every)
                select.sql(" = 0 ORDER BY id")
                var marks: [String] = []
                var version: Int64?
                for try await (id, at) in try await client.query(select.query, logger: logger).decode((String, Int64).self) {
                    marks.append(id)
                    version = at
                }
                return RecordMarks(version: version, every: every, marks: marks)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading where the pages of unified records start")
        }
    }

    /// The total of a record query: by source only, the maintained counts; otherwise counted.
    static func appendTotal(_ query: RecordQuery, to builder: inout SQLBuilder) {
        if query.isBySourceOnly {
            builder.sql("(SELECT coalesce(sum(records), 0)::int8 FROM unified_counts WHERE true")
            builder.condition(" AND source = ", query.source)
        } else {
            builder.sql("(SELECT count(*) FROM normalized_records")
            appendFilter(query, to: &builder)
        }
        builder.sql(")")
    }

    package func unifiedRecord(ticker: String, logger: Logger) async throws -> UnifiedRecord? {
        do {
            return try await reading(logger: logger) { client in
                var select = SQLBuilder("SELECT ")
                select.trustedSQL(Self.recordColumns)
                select.sql(" FROM normalized_records WHERE id = ")
                select.bind(ticker)
                let rows = try await client.query(select.query, logger: logger)
                for try await row in rows { return try Self.record(row) }
                return nil
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading the unified record of \(ticker)")
        }
    }

    /// The conditions of a history read. Its dates bound `observed_at`, the partition key, so that a
    /// read with dates touches only the months it asks for.
    static func historyFilter(_ query: HistoryQuery, _ builder: inout SQLBuilder) {
        builder.sql(" FROM observations o JOIN source_assets s ON s.id = o.asset_ref WHERE s.ticker = ")
        builder.bind(query.ticker)
        builder.condition(" AND s.source = ", query.source)
        builder.condition(" AND o.observed_at >= ", query.start)
        builder.condition(" AND o.observed_at <= ", query.end)
        builder.trustedSQL(LatestPublication.publishedOnly)
    }

    /// A page of history with its total, for a read with a source or dates.
    package static func historySelect(_ query: HistoryQuery) -> PostgresQuery {
        var select = SQLBuilder("SELECT ")
        select.trustedSQL(Self.historyColumns)
        select.sql(", count(*) OVER ()")
        historyFilter(query, &select)
        Self.appendPage(
            limit: query.limit, offset: query.offset, orderBy: " ORDER BY o.observed_at DESC, s.source, s.source_asset_id", to: &select)
        return select.query
    }

    package func history(_ query: HistoryQuery, logger: Logger) async throws -> Page<HistoryPoint> {
        do {
            return try await reading(logger: logger) { client in
                func filter(_ builder: inout SQLBuilder) { Self.historyFilter(query, &builder) }
                // The page and the total in one statement (`count(*) OVER ()` counts before the limit).
                var points: [HistoryPoint] = []
                var counted: Int?
                if query.source == nil, query.start == nil, query.end == nil {
                    let statement = PreparedReads.History(ticker: query.ticker, limit: query.limit, offset: query.offset)
                    for try await (point, total) in try await client.execute(statement, logger: logger) {
                        points.append(point)
                        counted = Int(total)
                    }
                } else if query.source == nil, let start = query.start, let end = query.end {
                    let statement = PreparedReads.HistoryRange(
                        ticker: query.ticker, start: start, end: end, limit: query.limit, offset: query.offset)
                    for try await (point, total) in try await client.execute(statement, logger: logger) {
                        points.append(point)
                        counted = Int(total)
                    }
                } else {
                    for try await row in try await client.query(Self.historySelect(query), logger: logger) {
                        var cells = RowCells(row, reading: "a history point")
                        points.append(try Self.historyPoint(&cells))
                        counted = Int(try cells.next(Int64.self))
                    }
                }
                var total = counted ?? 0
                if counted == nil, query.offset > 0 {
                    // A page past the end: the total alone.
                    var counting = SQLBuilder("SELECT count(*)")
                    filter(&counting)
                    total = try await Self.count(counting.query, on: client, logger: logger)
                }
                return Page(items: points, total: total)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading the history of \(query.ticker)")
        }
    }

    package func runs(_ query: RunQuery, logger: Logger) async throws -> Page<RunRecord> {
        do {
            return try await reading(logger: logger) { client in
                func filter(_ builder: inout SQLBuilder) {
                    builder.sql(" FROM etl_runs WHERE true")
                    builder.condition(" AND pipeline = ", query.pipeline)
                    builder.condition(" AND status = ", query.status?.rawValue)
                }
                var select = SQLBuilder("SELECT ")
                select.trustedSQL(Self.runColumns)
                filter(&select)
                Self.appendPage(limit: query.limit, offset: query.offset, orderBy: " ORDER BY id DESC", to: &select)
                var runs: [RunRecord] = []
                for try await row in try await client.query(select.query, logger: logger) { runs.append(try Self.run(row)) }
                var counting = SQLBuilder("SELECT count(*)")
                filter(&counting)
                let total = try await Self.count(counting.query, on: client, logger: logger)
                return Page(items: runs, total: total)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading the run history")
        }
    }

    package func run(id: RunID, rejectionLimit: Int, logger: Logger) async throws -> RunDetail? {
        do {
            return try await reading(logger: logger) { client in
                var found: RunRecord?
                var select = SQLBuilder("SELECT ")
                select.trustedSQL(Self.runColumns)
                select.sql(" FROM etl_runs WHERE id = ")
                select.bind(id.rawValue)
                for try await row in try await client.query(select.query, logger: logger) {
                    found = try Self.run(row)
                }
                guard let run = found else { return nil }
                var rejections: [Rejection] = []
                let rows = try await client.query(
                    """
                    SELECT location, line, field, reason, raw FROM quarantine WHERE run_id = \(id.rawValue)
                    ORDER BY id LIMIT \(rejectionLimit)
                    """, logger: logger)
                for try await (location, line, field, reason, raw) in rows.decode((String, Int64?, String?, String, String).self) {
                    rejections.append(
                        Rejection(
                            location: RecordLocation(line: line.map(Int.init), description: location), field: field, reason: reason,
                            raw: raw))
                }
                let total = try await Self.count("SELECT count(*) FROM quarantine WHERE run_id = \(id.rawValue)", on: client, logger: logger)
                return RunDetail(run: run, rejections: rejections, rejectionCount: total)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading run \(id)")
        }
    }

    package func statistics(logger: Logger) async throws -> StoreStatistics {
        do {
            return try await reading(logger: logger) { client in
                var totals: [String: (runs: Int, failed: Int, processed: Int, quarantined: Int, skipped: Int, filtered: Int)] = [:]
                let rows = try await client.query(
                    """
                    SELECT pipeline, count(*), count(*) FILTER (WHERE status = 'failed'), coalesce(sum(processed), 0)::bigint,
                        coalesce(sum(quarantined), 0)::bigint, coalesce(sum(skipped), 0)::bigint,
                        coalesce(sum(filtered), 0)::bigint
                    FROM etl_runs GROUP BY pipeline
                    """, logger: logger)
                for try await (pipeline, runs, failed, processed, quarantined, skipped, filtered) in rows.decode(
                    (String, Int64, Int64, Int64, Int64, Int64, Int64).self)
                {
                    totals[pipeline] = (Int(runs), Int(failed), Int(processed), Int(quarantined), Int(skipped), Int(filtered))
                }
                let last = try await Self.latestRuns(where: "true", on: client, logger: logger)
                let successes = try await Self.latestRuns(where: "status = 'success'", on: client, logger: logger)
                let failures = try await Self.latestRuns(where: "status = 'failed'", on: client, logger: logger)
                let pipelines = totals.keys.sorted().map { name in
                    let total = totals[name]!
                    return PipelineStatistics(
                        pipeline: name, totalRuns: total.runs, failedRuns: total.failed, totalProcessed: total.processed,
                        totalQuarantined: total.quarantined, totalSkipped: total.skipped,
                        totalFiltered: total.filtered, lastRun: last[name],
                        lastSuccess: successes[name], lastFailure: failures[name])
                }
                let normalized = try await Self.count("SELECT count(*) FROM normalized_records", on: client, logger: logger)
                return StoreStatistics(totalNormalized: normalized, pipelines: pipelines)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading run statistics")
        }
    }

    package func latestRuns(logger: Logger) async throws -> [String: RunRecord] {
        do {
            return try await reading(logger: logger) { client in
                return try await Self.latestRuns(where: "true", on: client, logger: logger)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading the latest runs")
        }
    }

    /// The newest run of each pipeline matching `condition` (a fixed SQL text, never user input).
    static func latestRuns(where condition: StaticString, on client: PostgresClient, logger: Logger) async throws -> [String: RunRecord] {
        var runs: [String: RunRecord] = [:]
        var select = SQLBuilder("SELECT DISTINCT ON (pipeline) ")
        select.trustedSQL(Self.runColumns)
        select.sql(" FROM etl_runs WHERE ")
        select.sql(condition)
        select.sql(" ORDER BY pipeline, id DESC")
        let rows = try await client.query(select.query, logger: logger)
        for try await row in rows {
            let run = try Self.run(row)
            runs[run.pipeline] = run
        }
        return runs
    }

    /// Asks the pool for `SELECT 1`. When the pool does not answer within ``pingPatience`` (or fails)
    /// but a direct connection succeeds, and the pool has been silent for a while, the pool is
    /// lagging behind a recovered server (see ``PrimaryPool``): it is replaced and asked again. The
    /// store's first pool, still opening its first connection (slow on a busy server), and a pool
    /// that answered within the last ``PrimaryPool/silence`` (busy: every connection taken by the
    /// batches of concurrent runs) are waited for instead; the caller's deadline bounds the wait.
    package func ping(logger: Logger) async throws {
        let pool = client
        let answer = Task { for try await _ in try await pool.query("SELECT 1", logger: logger).decode(Int32.self) {} }
        do {
            try await withDeadline(Self.pingPatience, doing: "checking the database") { try await answer.value }
            primary.answered()
        } catch is DeadlineExceeded where primary.isOpening || primary.answeredRecently {
            do {
                try await withTaskCancellationHandler {
                    try await answer.value
                } onCancel: {
                    answer.cancel()
                }
                primary.answered()
            } catch {
                readReplicas?.primaryFailed()
                throw PostgresStoreError.wrap(error, while: "checking the database")
            }
        } catch {
            answer.cancel()
            guard primary.mayReplace, (try? await probe(logger: logger)) != nil else {
                // Reads go to a replica, if there is one, until the primary answers a poll again.
                readReplicas?.primaryFailed()
                throw PostgresStoreError.wrap(error, while: "checking the database")
            }
            logger.warning(
                "the database answers a new connection but not the pool (still waiting to reconnect); replacing the pool")
            let fresh = primary.replace()
            do {
                for try await _ in try await fresh.query("SELECT 1", logger: logger).decode(Int32.self) {}
                primary.answered()
            } catch {
                throw PostgresStoreError.wrap(error, while: "checking the database")
            }
        }
    }

    /// How long a ping waits for the pool before checking with a direct connection.
    static let pingPatience: Duration = .seconds(1)

    static func count(_ query: PostgresQuery, on client: PostgresClient, logger: Logger) async throws -> Int {
        for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return Int(value) }
        return 0
    }

    static func appendFilter(_ query: RecordQuery, to builder: inout SQLBuilder) {
        builder.sql(" WHERE true")
        builder.condition(" AND source = ", query.source)
        builder.condition(" AND id = ", query.ticker)
        builder.condition(" AND created_at >= ", query.start)
        builder.condition(" AND created_at <= ", query.end)
    }

    static func appendPage(limit: Int, offset: Int, orderBy: StaticString, to builder: inout SQLBuilder) {
        builder.sql(orderBy)
        builder.sql(" LIMIT ")
        builder.bind(limit)
        builder.sql(" OFFSET ")
        builder.bind(offset)
    }

    static let recordColumns = """
        id, ticker, name, price_usd::text, market_cap_usd::text, volume_24h_usd::text, percent_change_24h::text, rank,
        source, source_asset_id, \(micros("created_at")), \(micros("ingested_at"))
        """

    /// A `timestamptz` column as exact microseconds since 1970 (`extract` gives an exact numeric).
    static func micros(_ column: StaticString) -> String {
        "(extract(epoch FROM \(column)) * 1000000)::int8"
    }

    /// A unified record from its row (``recordColumns`` first).
    static func record(_ row: PostgresRow) throws -> UnifiedRecord {
        var cells = RowCells(row, reading: "a unified record")
        return try record(&cells)
    }

    /// A unified record from the next cells of a row (``recordColumns``).
    static func record(_ cells: inout RowCells) throws -> UnifiedRecord {
        UnifiedRecord(
            id: try cells.next(), ticker: try cells.next(), name: try cells.next(), priceUSD: try cells.next(),
            marketCapUSD: try cells.next(), volume24hUSD: try cells.next(), percentChange24h: try cells.next(),
            rank: try cells.next(Int32?.self).map(Int.init), source: try cells.next(), sourceAssetID: try cells.next(),
            createdAt: Timestamp(microseconds: try cells.next()), ingestedAt: Timestamp(microseconds: try cells.next()))
    }

    static let historyColumns = """
        s.source, s.source_asset_id, o.ticker, \(micros("o.observed_at")), o.price_usd::text, o.market_cap_usd::text,
        o.volume_24h_usd::text, o.percent_change_24h::text, o.rank
        """

    /// A history point from the next cells of a row (``historyColumns``).
    static func historyPoint(_ cells: inout RowCells) throws -> HistoryPoint {
        HistoryPoint(
            source: try cells.next(), sourceAssetID: try cells.next(), ticker: try cells.next(),
            observedAt: Timestamp(microseconds: try cells.next()), priceUSD: try cells.next(), marketCapUSD: try cells.next(),
            volume24hUSD: try cells.next(), percentChange24h: try cells.next(), rank: try cells.next(Int32?.self).map(Int.init))
    }

    static let runColumns =
        "id, pipeline, trigger, status, started_at, finished_at, processed, quarantined, skipped, filtered, duration_ms, message, "
        + "anomalies, checks, compared_run_id"

    static func run(_ row: PostgresRow) throws -> RunRecord {
        var cells = RowCells(row, reading: "a run")
        let id: Int64 = try cells.next(), pipeline: String = try cells.next(), trigger: String = try cells.next()
        let status: String = try cells.next(), started: Date = try cells.next(), finished: Date? = try cells.next()
        let processed: Int64 = try cells.next(), quarantined: Int64 = try cells.next(), skipped: Int64 = try cells.next()
        let filtered: Int64 = try cells.next(), duration: Int64? = try cells.next(), message: String? = try cells.next()
        let anomalies: Int64 = try cells.next(), checks: String? = try cells.next(), compared: Int64? = try cells.next()
        return RunRecord(
            id: RunID(id), pipeline: pipeline, trigger: RunTrigger(rawValue: trigger) ?? .cli,
            status: RunStatus(rawValue: status) ?? .failed, startedAt: started, finishedAt: finished,
            counters: RunCounters(
                processed: Int(processed), quarantined: Int(quarantined), skipped: Int(skipped), filtered: Int(filtered),
                anomalies: Int(anomalies)),
            durationMS: duration.map(Int.init), message: message, checks: [CheckResult](storedText: checks),
            comparedRun: compared.map(RunID.init))
    }
}
