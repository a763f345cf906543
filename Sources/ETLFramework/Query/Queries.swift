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
    public var limit: Int
    public var offset: Int

    public init(source: String? = nil, ticker: String? = nil, start: Timestamp? = nil, end: Timestamp? = nil, limit: Int = 50, offset: Int = 0) {
        self.source = source
        self.ticker = ticker
        self.start = start
        self.end = end
        self.limit = limit
        self.offset = offset
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
