import Logging

/// Where batches go: writes one batch, with its checkpoint and counters, atomically.
public protocol Sink: Sendable {
    /// Does the sink's CPU work on a batch (encoding rows) without touching the database. The runner
    /// calls it on the read side, so that it overlaps the previous batch's write.
    func prepare(_ batch: LoadBatch) -> PreparedBatch

    /// Stores the batch in ONE transaction: raw records, observations, unified records, rejections,
    /// the checkpoint and the run's counters. Either all of it is stored or none of it.
    ///
    /// Returns what the batch added to the run's counters: records whose payload was already stored
    /// count as skipped, not processed.
    func write(_ batch: PreparedBatch, logger: Logger) async throws -> RunCounters
}

extension Sink {
    public func prepare(_ batch: LoadBatch) -> PreparedBatch {
        PreparedBatch(batch: batch, encoded: nil)
    }

    /// Prepares and writes `batch`.
    public func write(_ batch: LoadBatch, logger: Logger) async throws -> RunCounters {
        try await write(prepare(batch), logger: logger)
    }
}

/// A batch with the sink's own encoding of it, made by ``Sink/prepare(_:)``.
public struct PreparedBatch: Sendable {
    public var batch: LoadBatch
    /// Whatever the sink precomputed; only that sink reads it.
    public var encoded: (any Sendable)?

    public init(batch: LoadBatch, encoded: (any Sendable)?) {
        self.batch = batch
        self.encoded = encoded
    }
}

/// Everything one batch changes, handed to the sink as one unit.
public struct LoadBatch: Sendable {
    public var runID: RunID
    public var pipeline: String
    public var raw: [RawRecord]
    /// Quotes whose `rawIndex` points into ``raw``.
    public var quotes: [Quote]
    public var rejections: [Rejection]
    public var checkpoint: Checkpoint
    /// The batch's counters before storing: quotes as processed, rejections, and records the source
    /// skipped. The sink turns already-stored quotes into skipped ones.
    public var counters: RunCounters

    public init(
        runID: RunID, pipeline: String, raw: [RawRecord], quotes: [Quote], rejections: [Rejection],
        checkpoint: Checkpoint, counters: RunCounters
    ) {
        self.runID = runID
        self.pipeline = pipeline
        self.raw = raw
        self.quotes = quotes
        self.rejections = rejections
        self.checkpoint = checkpoint
        self.counters = counters
    }
}
