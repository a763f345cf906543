import ETLFramework
import Testing

/// Two different queries never share a response-cache key.
@Suite struct QueryKeyTests {
    @Test func everyFieldChangesTheKeyAndTextsCannotRunTogether() {
        let base = RecordQuery()
        let variants = [
            RecordQuery(source: "a"), RecordQuery(ticker: "A"), RecordQuery(start: Timestamp(microseconds: 1)),
            RecordQuery(end: Timestamp(microseconds: 1)), RecordQuery(after: "A"), RecordQuery(limit: 7), RecordQuery(offset: 7),
            RecordQuery(source: "a|1:b"), RecordQuery(source: "a", ticker: "1:b"), RecordQuery(source: "", ticker: nil),
            RecordQuery(source: nil, ticker: ""),
        ]
        let keys = [base.cacheKey] + variants.map(\.cacheKey)
        #expect(Set(keys).count == keys.count, "\(keys)")
        #expect(RecordQuery(source: "a").cacheKey == RecordQuery(source: "a").cacheKey)
        let histories = [HistoryQuery(ticker: "A"), HistoryQuery(ticker: "A", source: "s"), HistoryQuery(ticker: "A", offset: 1)]
        #expect(Set(histories.map(\.cacheKey)).count == 3)
        let runs = [RunQuery(), RunQuery(pipeline: "p"), RunQuery(status: .failed), RunQuery(limit: 3)]
        #expect(Set(runs.map(\.cacheKey)).count == 4)
    }
}
