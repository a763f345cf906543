import Logging

/// The run history: one row per run, with its trigger, status, counters and message.
public protocol RunLog: Sendable {
    /// Runs `body` while holding the pipeline's run lock, which every process sharing the store
    /// respects; a crashed holder releases it. On taking the lock, runs of the pipeline still marked
    /// `running` are known to be abandoned and are marked `interrupted`.
    ///
    /// Throws ``PipelineBusy`` when another run of the pipeline holds the lock.
    func withRunLock<T: Sendable>(
        pipeline: String, logger: Logger, _ body: @Sendable () async throws -> T
    ) async throws -> T

    /// Marks as `interrupted` every run still `running` whose pipeline lock nobody holds: runs left
    /// behind by a process that died. Returns how many. Safe while other processes run pipelines.
    func recoverAbandonedRuns(logger: Logger) async throws -> Int

    /// Records a new run as `running` and returns its id.
    func startRun(pipeline: String, trigger: RunTrigger, logger: Logger) async throws -> RunID

    /// Records the end of a run with its check results and tickers. Counters were already added
    /// batch by batch.
    ///
    /// Throws ``RunRecordMissing`` when the store holds no run `id` (its start was recorded, then
    /// lost: a database restored from a backup, or one that does not make commits durable), so
    /// that the runner ends the run instead of trying again.
    func finishRun(
        _ id: RunID, status: RunStatus, message: String?, quality: RunQuality, logger: Logger
    ) async throws -> RunReport

    /// What the checks of run `run` need: the runs before it, the largest price move among its
    /// anomalies, and (when `newestObservation`) the newest observed-at of the pipeline's data.
    func qualityFacts(pipeline: String, run: RunID, newestObservation: Bool, logger: Logger) async throws -> QualityFacts

    /// Answers when the database does; throws otherwise. A run pings first, to fail fast.
    func ping(logger: Logger) async throws
}

/// Another run of the pipeline is in progress.
public struct PipelineBusy: Error, Sendable, CustomStringConvertible {
    public var pipeline: String
    /// The run holding the lock, when it could be read.
    public var runningRun: RunID?

    public init(pipeline: String, runningRun: RunID?) {
        self.pipeline = pipeline
        self.runningRun = runningRun
    }

    public var description: String {
        "pipeline \(pipeline) is already running" + (runningRun.map { " (run \($0))" } ?? "")
    }
}

/// The store holds no record of a run it was asked to finish: the commit that recorded its start
/// was lost (a database restored from a backup, or run without durable commits). Trying again
/// cannot help, so the runner logs it and ends the run.
public struct RunRecordMissing: Error, Sendable, CustomStringConvertible {
    public var run: RunID

    public init(run: RunID) {
        self.run = run
    }

    public var description: String {
        "the store has no record of run \(run) (the commit that recorded its start was lost)"
    }
}
