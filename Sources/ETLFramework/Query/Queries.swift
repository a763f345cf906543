import Foundation

/// Filters and paging of `GET /data`.
public struct RecordQuery: Sendable, Hashable {
    /// Pipeline name that delivered the record.
    public var source: String?
    /// Unified ticker (already upper-cased).
    public var ticker: String?
    /// Inclusive bounds on the record's observed-at (`created_at`), exact to the microsecond.
    public var start: Timestamp?
    public var end: Timestamp?
    /// Keyset paging: only records whose id sorts after this one (`offset` then counts from there).
    public var after: String?
    public var limit: Int
    public var offset: Int

    public init(
        source: String? = nil, ticker: String? = nil, start: Timestamp? = nil, end: Timestamp? = nil, after: String? = nil,
        limit: Int = 50, offset: Int = 0
    ) {
        self.source = source
        self.ticker = ticker
        self.start = start
        self.end = end
        self.after = after
        self.limit = limit
        self.offset = offset
    }

    /// Filtered by no more than the source: its total is a maintained count, and its deep pages can
    /// start from ``RecordMarks``.
    public var isBySourceOnly: Bool { ticker == nil && start == nil && end == nil }
}

/// Every `every`-th unified record id (positions `every - 1`, `2 * every - 1`, ...) of one source
/// filter, in id order, read at one membership version: where deep `offset` pages start, so that a
/// page at offset 90,000 walks at most `every` index entries instead of 90,000.
public struct RecordMarks: Sendable, Equatable {
    /// The membership version the marks were read at (``Page/version``); nil when there are none.
    public var version: Int64?
    public var every: Int
    public var marks: [String]

    public init(version: Int64?, every: Int, marks: [String]) {
        self.version = version
        self.every = every
        self.marks = marks
    }

    /// The query reading the same page as `query` (by source only, no keyset) from the nearest mark
    /// before its offset.
    public func start(_ query: RecordQuery) -> RecordQuery {
        let mark = min(query.offset / every, marks.count)
        guard mark > 0 else { return query }
        var started = query
        started.after = marks[mark - 1]
        started.offset = query.offset - mark * every
        return started
    }
}

/// Filters and paging of a ticker's price history.
public struct HistoryQuery: Sendable, Hashable {
    public var ticker: String
    public var source: String?
    /// Inclusive bounds on observed-at, exact to the microsecond.
    public var start: Timestamp?
    public var end: Timestamp?
    public var limit: Int
    public var offset: Int

    public init(ticker: String, source: String? = nil, start: Timestamp? = nil, end: Timestamp? = nil, limit: Int = 50, offset: Int = 0) {
        self.ticker = ticker
        self.source = source
        self.start = start
        self.end = end
        self.limit = limit
        self.offset = offset
    }
}

/// Filters and paging of the run history.
public struct RunQuery: Sendable, Hashable {
    public var pipeline: String?
    public var status: RunStatus?
    public var limit: Int
    public var offset: Int

    public init(pipeline: String? = nil, status: RunStatus? = nil, limit: Int = 50, offset: Int = 0) {
        self.pipeline = pipeline
        self.status = status
        self.limit = limit
        self.offset = offset
    }
}
