import ETLFramework
import PostgresNIO

/// A batch encoded for PostgreSQL ahead of its transaction (see ``PostgresStore/prepare(_:)``): the
/// plan, the COPY rows of every candidate raw record, and the COPY rows of every candidate
/// observation but for their first column (the source asset's id, known only inside the transaction).
package struct EncodedBatch: Sendable {
    let plan: BatchPlan
    /// COPY rows of `plan.rawCandidates`, in raw id order.
    let rawRows: [UInt8]
    /// Quote indices of the candidate observations: for new data, all of them.
    let observationQuotes: [Int]
    let observationTails: (bytes: [UInt8], ends: [Int])
    /// The newest quote of each source asset.
    let sourceAssets: [Quote]
    /// The months (`YYYY-MM-01`) the batch's observations fall in: their partitions must exist.
    let months: Set<String>
    /// The ticker lock buckets of the batch, ascending (see ``LockOrder``).
    let tickerBuckets: [Int32]

    init(_ batch: LoadBatch) {
        plan = BatchPlan(batch)
        // In key order (time, then id): the primary key's index is then filled in one pass over its pages.
        let plan = self.plan
        let times = plan.rawCandidates.map { index in
            plan.quoteOfRaw[index].map { plan.batch.quotes[$0].observedAt } ?? .distantPast
        }
        let order = plan.rawCandidates.indices.sorted { a, b in
            times[a] != times[b] ? times[a] < times[b] : plan.rawIDs[plan.rawCandidates[a]] < plan.rawIDs[plan.rawCandidates[b]]
        }
        rawRows = PostgresStore.rawRows(plan, order.map { plan.rawCandidates[$0] })
        observationQuotes = plan.observationCandidates
        observationTails = PostgresStore.observationTails(plan, observationQuotes)
        sourceAssets = plan.newestPerSourceAsset
        months = PostgresStore.months(of: batch.quotes.lazy.map(\.observedAt))
        tickerBuckets = LockOrder.buckets(of: plan.tickers)
    }
}
