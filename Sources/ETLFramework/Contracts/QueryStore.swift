import Foundation
import Logging

/// The read side of a store: what the REST API serves. Paging and counting happen in the store,
/// with indexes; nothing here loads a whole table.
public protocol QueryStore: Sendable {
    /// Unified records matching `query`, ordered by ticker, with the total count of matches (all of
    /// them, also those before `query.after`), whether more follow the page (``Page/hasMore``) and,
    /// read in the same statement, the membership version (``Page/version``).
    ///
    /// The total of a query by source only is a count the store maintains with every write; other
    /// filters are counted.
    func unifiedRecords(_ query: RecordQuery, logger: Logger) async throws -> Page<UnifiedRecord>

    /// Where the deep pages of the unified records of `source` (all, when nil) start: every `every`-th
    /// id at the current membership version.
    func unifiedRecordMarks(source: String?, every: Int, logger: Logger) async throws -> RecordMarks

    /// The unified record of one ticker, if there is one.
    func unifiedRecord(ticker: String, logger: Logger) async throws -> UnifiedRecord?

    /// Observations of one ticker per source, newest first, with the total count of matches.
    func history(_ query: HistoryQuery, logger: Logger) async throws -> Page<HistoryPoint>

    /// Run history, newest first, with the total count of matches.
    func runs(_ query: RunQuery, logger: Logger) async throws -> Page<RunRecord>

    /// One run with (up to `rejectionLimit` of) its quarantined records.
    func run(id: RunID, rejectionLimit: Int, logger: Logger) async throws -> RunDetail?

    /// `run` beside the run it was compared with (``RunRecord/comparedRun``), from the tickers both
    /// recorded; nil when it was compared with none.
    func comparison(of run: RunRecord, logger: Logger) async throws -> RunComparison?

    /// The anomalies of one run (prices that moved beyond the pipeline's limit), in the order found.
    func anomalies(run: RunID, limit: Int, offset: Int, logger: Logger) async throws -> Page<Anomaly>

    /// Per-pipeline aggregates of the run history, and the number of unified records.
    func statistics(logger: Logger) async throws -> StoreStatistics

    /// The newest run of each pipeline (cheap: an index lookup per pipeline).
    func latestRuns(logger: Logger) async throws -> [String: RunRecord]

    /// Answers when the database does; throws otherwise.
    func ping(logger: Logger) async throws

    /// The read replicas the API's reads are spread over, and whether each serves now.
    func replicas() -> [ReplicaStatus]

    /// Whether `error`, thrown by this store, means the database cannot be reached now (down,
    /// restarting, refusing connections, a connection lost): a condition to retry later, which the
    /// API answers with 503, never a bug.
    func isUnreachable(_ error: any Error) -> Bool
}

/// A page of results and the number of all matches.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    /// Whether matches follow this page (known where the store reads one item more than it returns).
    public var hasMore: Bool?
    /// The unified records' membership version when the page was read: it changes whenever a ticker
    /// is added or removed or moves to another source, never for new prices alone.
    public var version: Int64?

    public init(items: [Item], total: Int, hasMore: Bool? = nil, version: Int64? = nil) {
        self.items = items
        self.total = total
        self.hasMore = hasMore
        self.version = version
    }
}

extension QueryStore {
    /// A store without read replicas serves every read itself.
    public func replicas() -> [ReplicaStatus] { [] }

    /// A store that does not tell counts every error as a bug.
    public func isUnreachable(_ error: any Error) -> Bool { false }
}
