/// A run set beside the previous successful run of its pipeline: records received, tickers that
/// appeared and tickers that vanished.
public struct RunComparison: Sendable {
    public var previousRun: RunID
    public var recordsBefore: Int
    public var recordsNow: Int
    public var newTickers: [String]
    public var vanishedTickers: [String]

    /// Compares sorted ticker lists.
    public init(previous: RunRecord, now: RunRecord, tickersBefore: [String], tickersNow: [String]) {
        previousRun = previous.id
        recordsBefore = previous.counters.received
        recordsNow = now.counters.received
        let before = Set(tickersBefore), after = Set(tickersNow)
        newTickers = tickersNow.filter { !before.contains($0) }
        vanishedTickers = tickersBefore.filter { !after.contains($0) }
    }
}
