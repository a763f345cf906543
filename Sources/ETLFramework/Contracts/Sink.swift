import Logging

/// Where batches go: writes one batch, with its checkpoint and counters, atomically.
public protocol Sink: Sendable {
    /// The sink's own encoding of a batch, made off the write path by ``prepare(_:)``.
    associatedtype Prepared: Sendable = LoadBatch

    /// Does the sink's CPU work on a batch (encoding rows) without touching the database. The runner
    /// calls it on the read side, so that it overlaps the previous batch's write.
    func prepare(_ batch: LoadBatch) -> Prepared

    /// Stores the batch in ONE transaction: raw records, observations, unified records, rejections,
    /// the checkpoint and the run's counters. Either all of it is stored or none of it.
    ///
    /// Returns what the batch added to the run's counters: records whose observation was already
    /// stored count as skipped, not processed; price moves beyond ``LoadBatch/priceMoveLimit`` are
    /// stored with the run and counted as anomalies.
    func write(_ batch: Prepared, logger: Logger) async throws -> RunCounters
}

extension Sink where Prepared == LoadBatch {
    public func prepare(_ batch: LoadBatch) -> LoadBatch { batch }
}

extension Sink {
    /// Prepares and writes `batch`.
    public func write(_ batch: LoadBatch, logger: Logger) async throws -> RunCounters {
        try await write(prepare(batch), logger: logger)
    }
}

/// Everything one batch changes, handed to the sink as one unit.
public struct LoadBatch: Sendable {
    public var runID: RunID
    public var pipeline: String
    /// The batch's raw records; the runner drops their payload trees (sinks store `payloadText`).
    public var raw: [RawRecord]
    /// Quotes whose `rawIndex` points into ``raw``.
    public var quotes: [Quote]
    public var rejections: [Rejection]
    public var checkpoint: Checkpoint
    /// The batch's counters before storing: quotes as processed, rejections, records the source
    /// skipped and records the transforms filtered. The sink turns already-stored quotes into
    /// skipped ones.
    public var counters: RunCounters
    /// `checks.max_price_change`: when set, the sink records as anomalies the new observations whose
    /// price moved more than this share (see ``PriceMoves``), in the batch's transaction.
    public var priceMoveLimit: Double?

    public init(
        runID: RunID, pipeline: String, raw: [RawRecord], quotes: [Quote], rejections: [Rejection],
        checkpoint: Checkpoint, counters: RunCounters, priceMoveLimit: Double? = nil
    ) {
        self.runID = runID
        self.pipeline = pipeline
        self.raw = raw
        self.quotes = quotes
        self.rejections = rejections
        self.checkpoint = checkpoint
        self.counters = counters
        self.priceMoveLimit = priceMoveLimit
    }
}
