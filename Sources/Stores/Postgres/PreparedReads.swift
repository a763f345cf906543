import ETLFramework
import PostgresNIO

/// The read shapes the API asks most, prepared once per connection, so that PostgreSQL neither
/// parses nor plans them again: a page of all unified records (from an id on: keyset pages and
/// pages started from marks), one ticker, and one ticker's history (all of it, or between two
/// times). Each reads its page, the membership version and its total in one statement, like the
/// general queries they stand for.
package enum PreparedReads {
    /// A unified record, then the membership version and the total.
    typealias RecordRow = (record: UnifiedRecord, version: Int64, total: Int64)

    /// Every unified record whose id sorts after `after` (`""`: all of them).
    struct RecordPage: PostgresPreparedStatement {
        typealias Row = RecordRow
        static let sql = """
            SELECT \(PostgresStore.recordColumns), (SELECT version FROM unified_members),
                (SELECT coalesce(sum(records), 0)::int8 FROM unified_counts)
            FROM normalized_records WHERE id > $1 ORDER BY id LIMIT $2 OFFSET $3
            """
        var after: String
        var limit: Int
        var offset: Int

        func makeBindings() throws -> PostgresBindings { PreparedReads.bindings(after, limit, offset) }
        func decodeRow(_ row: PostgresRow) throws -> Row { try PreparedReads.recordRow(row) }
    }

    /// The unified record of one ticker.
    struct Ticker: PostgresPreparedStatement {
        typealias Row = RecordRow
        static let sql = """
            SELECT \(PostgresStore.recordColumns), (SELECT version FROM unified_members),
                (SELECT count(*) FROM normalized_records WHERE id = $1)
            FROM normalized_records WHERE id = $1 ORDER BY id LIMIT $2 OFFSET $3
            """
        var ticker: String
        var limit: Int
        var offset: Int

        func makeBindings() throws -> PostgresBindings { PreparedReads.bindings(ticker, limit, offset) }
        func decodeRow(_ row: PostgresRow) throws -> Row { try PreparedReads.recordRow(row) }
    }

    /// One ticker's observations, newest first, and how many there are.
    struct History: PostgresPreparedStatement {
        typealias Row = (point: HistoryPoint, total: Int64)
        static let sql = """
            SELECT \(PostgresStore.historyColumns), count(*) OVER ()
            FROM observations o JOIN source_assets s ON s.id = o.asset_ref WHERE s.ticker = $1\(LatestPublication.publishedOnly)
            ORDER BY o.observed_at DESC, s.source, s.source_asset_id LIMIT $2 OFFSET $3
            """
        var ticker: String
        var limit: Int
        var offset: Int

        func makeBindings() throws -> PostgresBindings { PreparedReads.bindings(ticker, limit, offset) }
        func decodeRow(_ row: PostgresRow) throws -> Row {
            var cells = RowCells(row, reading: "a history point")
            return (try PostgresStore.historyPoint(&cells), try cells.next())
        }
    }

    /// One ticker's observations between two times (inclusive), newest first, and how many there
    /// are: the dated read of a chart. Prepared, its plan prunes the month partitions as it starts,
    /// instead of planning every partition on each request.
    struct HistoryRange: PostgresPreparedStatement {
        typealias Row = (point: HistoryPoint, total: Int64)
        static let sql = """
            SELECT \(PostgresStore.historyColumns), count(*) OVER ()
            FROM observations o JOIN source_assets s ON s.id = o.asset_ref
            WHERE s.ticker = $1 AND o.observed_at >= $2::timestamptz AND o.observed_at <= $3::timestamptz\(LatestPublication.publishedOnly)
            ORDER BY o.observed_at DESC, s.source, s.source_asset_id LIMIT $4 OFFSET $5
            """
        var ticker: String
        var start: Timestamp
        var end: Timestamp
        var limit: Int
        var offset: Int

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 5)
            bindings.append(ticker)
            // Exact ISO 8601 text, as the general query binds times.
            bindings.append(start.iso8601)
            bindings.append(end.iso8601)
            bindings.append(limit)
            bindings.append(offset)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            var cells = RowCells(row, reading: "a history point")
            return (try PostgresStore.historyPoint(&cells), try cells.next())
        }
    }

    /// The SQL of ``HistoryRange``, for tests that look at its plan.
    package static var datedHistorySQL: String { HistoryRange.sql }

    static func bindings(_ text: String, _ limit: Int, _ offset: Int) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(text)
        bindings.append(limit)
        bindings.append(offset)
        return bindings
    }

    static func recordRow(_ row: PostgresRow) throws -> RecordRow {
        var cells = RowCells(row, reading: "a unified record")
        return (try PostgresStore.record(&cells), try cells.next(), try cells.next())
    }
}
