import Logging

/// Runs a pipeline's records through its chain as a run would, without a store: the mapping check
/// first, then batch by batch, with the same guards. `host test` is built on it.
public enum DryRun {
    /// What a run would have written.
    public struct Result: Sendable {
        /// The unified quotes, in order.
        public var quotes: [Quote] = []
        public var rejections: [Rejection] = []
        /// Records the transform steps left out on purpose.
        public var filtered = 0
        /// Why the run would fail before writing anything (the mapping does not fit the data).
        public var failure: String?
    }

    /// Reads `reader` to its end through `pipeline`'s chain, in batches of the pipeline's size.
    public static func run(_ pipeline: Pipeline, reader: any SourceReader) async throws -> Result {
        var reader = reader
        var chain = pipeline.transforms
        var result = Result()
        var batch = try await reader.nextBatch(maxRecords: pipeline.batchSize)
        if let fields = reader.fieldNames {
            result.failure = chain.fieldReport(available: fields, receiptTime: pipeline.source.receiptTimeMeaning).failure
            if result.failure != nil { return result }
        }
        while let current = batch {
            let transformed = BatchGuard.transform(current, chain: &chain)
            result.quotes += transformed.quotes
            result.rejections += transformed.rejections
            result.filtered += transformed.counters.filtered
            batch = try await reader.nextBatch(maxRecords: pipeline.batchSize)
        }
        return result
    }
}

/// Records given as values (a test's input), handed out in batches.
public struct RecordListReader: SourceReader {
    let records: [RawRecord]
    var position = 0

    public init(records: [RawRecord]) {
        self.records = records
    }

    public var fieldNames: [String]? {
        var names: [String] = []
        for record in records {
            guard case .object(let fields) = record.payload else { continue }
            for field in fields where !names.contains(field.name) { names.append(field.name) }
        }
        return names.isEmpty ? nil : names
    }

    public mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
        guard position < records.count else { return nil }
        let end = min(records.count, position + maxRecords)
        defer { position = end }
        return SourceBatch(records: Array(records[position..<end]), checkpoint: Checkpoint(kind: "input", state: "{}"))
    }
}
