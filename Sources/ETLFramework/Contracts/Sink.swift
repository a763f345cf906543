import Logging

/// Where batches go: writes one batch, with its checkpoint and counters, atomically.
public protocol Sink: Sendable {
    /// The sink's own encoding of a batch, made by ``prepare(_:)`` before the batch's transaction.
    associatedtype Prepared: Sendable = LoadBatch

    /// Does the sink's CPU work on a batch (encoding rows) without touching the database. The runner
    /// calls it one step ahead, in a task of its own, while the previous batch is written and the
    /// next one is read and transformed (a run's first batch is prepared just before its write).
    func prepare(_ batch: LoadBatch) -> Prepared

    /// Stores the batch in ONE transaction: raw records, observations, unified records, rejections,
    /// the checkpoint and the run's counters. Either all of it is stored or none of it.
    ///
    /// When the batch ``LoadBatch/defersLatestState``, the sink may leave the latest state (each
    /// asset's newest values, the unified records) to ``publish(run:logger:)``; it must then record,
    /// in the same transaction, what is left to publish, so that a crash cannot lose it.
    ///
    /// Returns what the batch added to the run's counters: records whose observation was already
    /// stored count as skipped, not processed; price moves beyond ``LoadBatch/priceMoveLimit`` are
    /// stored with the run and counted as anomalies.
    func write(_ batch: Prepared, logger: Logger) async throws -> RunCounters

    /// Makes the latest state of everything `run` stored visible, for a sink that defers it (see
    /// ``write(_:logger:)``). The runner calls it once after the run's last batch, whatever the run's
    /// outcome; it is idempotent, and a run whose publication failed or never came (a crash) is
    /// published by the store's recovery. Sinks that write the latest state with each batch need not
    /// implement it.
    func publish(run: RunID, logger: Logger) async throws

    /// Publishes every run that ended without its latest state published (a crash, a failed
    /// publication); the host calls it as it starts. Sinks that do not defer need not implement it.
    func publishPending(logger: Logger) async throws
}

extension Sink {
    public func publish(run: RunID, logger: Logger) async throws {}
    public func publishPending(logger: Logger) async throws {}
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
    /// Whether the sink may leave the latest state to ``Sink/publish(run:logger:)`` at the run's end
    /// (the runner's batches) instead of writing it with this batch (a batch written on its own).
    public var defersLatestState: Bool

    public init(
        runID: RunID, pipeline: String, raw: [RawRecord], quotes: [Quote], rejections: [Rejection],
        checkpoint: Checkpoint, counters: RunCounters, priceMoveLimit: Double? = nil, defersLatestState: Bool = false
    ) {
        self.runID = runID
        self.pipeline = pipeline
        self.raw = raw
        self.quotes = quotes
        self.rejections = rejections
        self.checkpoint = checkpoint
        self.counters = counters
        self.priceMoveLimit = priceMoveLimit
        self.defersLatestState = defersLatestState
    }
}
