import Foundation

/// Checks a batch needs before it reaches a store, the same for every store: records a store cannot
/// hold (a NUL character) and records that contradict an earlier one of the same batch.
enum BatchGuard {
    /// A source batch through the chain, with the guards before and after it: what a run writes.
    /// With `reports`, what each point did is appended to it (see ``StageReport``): the source's
    /// point holds the records read and the rejections of the source and of the NUL guard; the
    /// normalizer's holds the conflicts found after it.
    static func transform(_ batch: SourceBatch, chain: inout TransformChain, reports: inout [StageReport]?) -> TransformedBatch {
        let (records, unstorable) = withoutNUL(batch.records)
        if reports != nil {
            let now = StageReport.now()
            reports?.append(
                StageReport(
                    index: 0, name: StageReport.sourceName, recordsIn: batch.records.count + batch.rejections.count,
                    kept: records.enumerated().map { ChainRecord($0.element, origin: $0.offset) },
                    rejections: batch.rejections + unstorable, startNanoseconds: now, endNanoseconds: now))
        }
        let output = chain.run(records, reports: &reports)
        let (quotes, conflicts) = withoutConflicts(output.quotes, records: records)
        if !conflicts.isEmpty, let last = reports?.indices.last {
            reports?[last].quotes = quotes
            reports?[last].rejections += conflicts
        }
        let rejections = batch.rejections + unstorable + output.rejections + conflicts
        return TransformedBatch(
            raw: records, quotes: quotes, rejections: rejections,
            counters: RunCounters(
                processed: quotes.count, quarantined: rejections.count, skipped: batch.skipped, filtered: output.filtered))
    }

    static func transform(_ batch: SourceBatch, chain: inout TransformChain) -> TransformedBatch {
        var reports: [StageReport]? = nil
        return transform(batch, chain: &chain, reports: &reports)
    }

    struct TransformedBatch {
        var raw: [RawRecord]
        var quotes: [Quote]
        var rejections: [Rejection]
        var counters: RunCounters
    }

    /// Splits off the records holding a NUL character (PostgreSQL's text cannot store one), each as a
    /// rejection naming its field.
    static func withoutNUL(_ records: [RawRecord]) -> (kept: [RawRecord], rejected: [Rejection]) {
        var kept: [RawRecord] = []
        var rejected: [Rejection] = []
        kept.reserveCapacity(records.count)
        for record in records {
            guard let path = record.payload.pathHoldingNUL() else {
                kept.append(record)
                continue
            }
            rejected.append(
                Rejection(
                    location: record.location, field: path,
                    reason: "\(path.isEmpty ? "a field name" : path) contains a NUL character (U+0000), which the store cannot hold",
                    raw: record.payloadText))
        }
        return (kept, rejected)
    }

    /// Quotes that share an asset and an observed-at with an earlier quote of the batch but differ in
    /// value are conflicts: the first one stands, the later ones become rejections naming it.
    static func withoutConflicts(_ quotes: [Quote], records: [RawRecord]) -> (kept: [Quote], rejected: [Rejection]) {
        var first: [ObservationKey: Int] = [:]
        first.reserveCapacity(quotes.count)
        var kept: [Quote] = []
        var rejected: [Rejection] = []
        kept.reserveCapacity(quotes.count)
        for (index, quote) in quotes.enumerated() {
            let key = ObservationKey(id: quote.sourceAssetID, at: quote.observedAt)
            if let earlier = first[key] {
                let stored = quotes[earlier]
                if stored.observedValues != quote.observedValues {
                    let record = records[quote.rawIndex]
                    rejected.append(
                        Rejection(
                            location: record.location, field: "observed_at",
                            reason: "conflicts with \(records[stored.rawIndex].location): the same asset (\(quote.sourceAssetID)) "
                                + "at the same observed-at with different values; the first is kept",
                            raw: record.payloadText))
                    continue
                }
            } else {
                first[key] = index
            }
            kept.append(quote)
        }
        return (kept, rejected)
    }

    struct ObservationKey: Hashable {
        var id: String
        var at: Date
    }
}
