import ETLFramework

/// A batch encoded for PostgreSQL ahead of its transaction (see ``PostgresStore/prepare(_:)``): the
/// plan, the COPY rows of every candidate raw record, and the COPY rows of every candidate
/// observation but for their first column (the source asset's id, known only inside the transaction).
package struct EncodedBatch: Sendable {
    let plan: BatchPlan
    /// COPY rows of `plan.rawCandidates`, in order.
    let rawRows: [UInt8]
    /// Quote indices of the candidate observations: for new data, all of them.
    let observationQuotes: [Int]
    let observationTails: (bytes: [UInt8], ends: [Int])

    init(_ batch: LoadBatch) {
        plan = BatchPlan(batch)
        rawRows = PostgresStore.rawRows(plan, plan.rawCandidates)
        observationQuotes = plan.observationCandidates
        observationTails = PostgresStore.observationTails(plan, observationQuotes)
    }
}
