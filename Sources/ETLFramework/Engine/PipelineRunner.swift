import Foundation
import Logging
import Metrics

/// Runs pipelines: extract -> transform -> load, batch by batch, into one store.
///
/// Each batch is written in one transaction with its checkpoint, so a run stopped at any point
/// (crash, cancellation) resumes after the last committed batch. Reading and transforming the next
/// batch overlaps with writing the current one. Cancellation stops at a batch boundary and records
/// the run as `interrupted`.
public struct PipelineRunner: Sendable {
    public let store: any Store
    /// How long the database may take to answer before a run is not even started.
    public static let reachDeadline: Duration = .seconds(3)
    /// How long recording a run's end may take (kept short: it also runs during a forced shutdown).
    public static let recordDeadline: Duration = .seconds(3)

    public init(store: any Store) {
        self.store = store
    }

    /// Runs one database call under the store's deadline (``Store/callDeadline``), so that a lost or
    /// stalled database fails the run within seconds instead of hanging it.
    func database<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let deadline = store.callDeadline else { return try await body() }
        return try await withDeadline(deadline, doing: operation, body)
    }

    /// Runs `pipeline` once under its run lock and returns the recorded report.
    ///
    /// Throws ``PipelineBusy`` when the pipeline is already running, or the store's error when the run
    /// could not even be recorded. Failures of the run itself are reported, not thrown.
    /// - Parameters:
    ///   - stop: when requested, the run ends at the next batch boundary as `interrupted`.
    ///   - onStart: called once the run holds its lock and is recorded, with its id.
    public func run(
        _ pipeline: Pipeline, trigger: RunTrigger, logger: Logger, stop: StopSignal? = nil,
        onStart: (@Sendable (RunID) -> Void)? = nil, progress: (@Sendable (RunProgress) -> Void)? = nil
    ) async throws -> RunReport {
        let store = self.store
        // A database that is down fails fast here, before the run lock is waited for.
        try await withDeadline(Self.reachDeadline, doing: "reaching the database") { try await store.ping(logger: logger) }
        return try await store.withRunLock(pipeline: pipeline.name, logger: logger) {
            let runID = try await database("recording the start of a run") {
                try await store.startRun(pipeline: pipeline.name, trigger: trigger, logger: logger)
            }
            let started = Date()
            onStart?(runID)
            var logger = logger
            logger[metadataKey: "run_id"] = "\(runID)"
            logger.info("run started", metadata: ["trigger": "\(trigger.rawValue)"])
            let outcome = await execute(pipeline, runID: runID, logger: logger, stop: stop, progress: progress)
            let report: RunReport
            do {
                // Recorded even when the run's task was cancelled (a forced shutdown): the record is
                // what tells the next reader what happened.
                let finish: @Sendable () async throws -> RunReport = { [logger] in
                    try await store.finishRun(runID, status: outcome.status, message: outcome.message, logger: logger)
                }
                let deadline = store.callDeadline.map { min($0, Self.recordDeadline) }
                report = try await Task {
                    guard let deadline else { return try await finish() }
                    return try await withDeadline(deadline, doing: "recording the end of a run", finish)
                }.value
            } catch {
                logger.error("the end of the run could not be recorded", metadata: ["error": "\(RunFailure.message(for: error))"])
                report = RunReport(
                    runID: runID, pipeline: pipeline.name, trigger: trigger, status: outcome.status, startedAt: started,
                    finishedAt: Date(), counters: outcome.counters,
                    message: (outcome.message.map { $0 + "; " } ?? "")
                        + "not recorded: \(RunFailure.message(for: error)); the next start marks the run interrupted")
            }
            RunMetrics.record(report)
            logger.log(
                level: report.status == .success ? .info : .error, "run finished",
                metadata: [
                    "status": "\(report.status.rawValue)", "processed": "\(report.counters.processed)",
                    "quarantined": "\(report.counters.quarantined)", "skipped": "\(report.counters.skipped)",
                    "duration_ms": "\(Int(report.duration * 1000))",
                ].merging(report.message.map { ["message": "\($0)"] } ?? [:]) { $1 })
            return report
        }
    }

    struct Outcome {
        var status: RunStatus
        var message: String?
        /// What the committed batches added (as far as this process knows).
        var counters = RunCounters()
    }

    func execute(
        _ pipeline: Pipeline, runID: RunID, logger: Logger, stop: StopSignal?, progress: (@Sendable (RunProgress) -> Void)?
    ) async -> Outcome {
        func stopping() -> Bool { Task.isCancelled || stop?.isRequested == true }
        var counters = RunCounters()
        var reasons = ReasonTally()
        var notes: [String] = []
        do {
            let store = self.store
            let checkpoint = try await database("reading the checkpoint") {
                try await store.checkpoint(for: pipeline.name, logger: logger)
            }
            var reader = try await pipeline.source.open(resumingFrom: checkpoint, logger: logger)
            let first = try await reader.nextBatch(maxRecords: pipeline.batchSize)
            // The mapping is checked against the data before anything is written.
            if let fields = reader.fieldNames {
                let report = pipeline.transformer.fieldReport(
                    available: fields, receiptTime: pipeline.source.receiptTimeMeaning)
                if !report.errors.isEmpty {
                    logger.error("the field mapping does not fit the data", metadata: ["problems": "\(report.errors)"])
                    return Outcome(status: .failed, message: "nothing written: " + report.errors.joined(separator: "; "))
                }
                notes = report.notes
                if !notes.isEmpty { logger.warning("defaults apply", metadata: ["notes": "\(notes)"]) }
            }
            // While batch N is being written, batch N+1 is read and transformed.
            var load = first.map { makeLoad($0, pipeline: pipeline, runID: runID) }
            while let current = load {
                async let written = database("writing a batch") { try await store.write(current, logger: logger) }
                load = stopping() ? nil : try await reader.nextBatch(maxRecords: pipeline.batchSize).map {
                    makeLoad($0, pipeline: pipeline, runID: runID)
                }
                let added = try await written
                counters = counters + added
                for rejection in current.batch.rejections { reasons.add(rejection.reason) }
                reasons.add(Rejection.storedConflictReason, count: added.quarantined - current.batch.rejections.count)
                progress?(RunProgress(pipeline: pipeline.name, counters: counters, fraction: reader.progress))
                logger.debug("batch committed", metadata: ["records": "\(current.batch.raw.count)"])
                if stopping() {
                    return Outcome(status: .interrupted, message: "stopped at a batch boundary by shutdown", counters: counters)
                }
            }
            if let summary = reader.summary { logger.warning("source summary", metadata: ["summary": "\(summary)"]) }
            let said = notes + [reader.summary].compactMap { $0 }
            if let failure = pipeline.checks.failure(counters, reasons: reasons) {
                logger.error("run failed its checks", metadata: ["check": "\(failure)"])
                return Outcome(status: .failed, message: ([failure] + said).joined(separator: "; "), counters: counters)
            }
            return Outcome(status: .success, message: said.isEmpty ? nil : said.joined(separator: "; "), counters: counters)
        } catch is CancellationError {
            return Outcome(status: .interrupted, message: "stopped by shutdown before the batch committed", counters: counters)
        } catch {
            logger.error("run failed", metadata: ["error": "\(String(reflecting: error))"])
            // Say what is stored: the batches committed before the failure are kept.
            let stored = counters == RunCounters() ? "" : "; stored before the failure: \(counters.processed) processed, "
                + "\(counters.quarantined) quarantined, \(counters.skipped) skipped (kept; the next run resumes after them)"
            return Outcome(status: .failed, message: RunFailure.message(for: error) + stored, counters: counters)
        }
    }

    /// Transforms a source batch and lets the store encode it: all the CPU work of a batch. Records a
    /// store cannot hold and quotes that conflict within the batch become rejections here, the same
    /// for every store.
    func makeLoad(_ batch: SourceBatch, pipeline: Pipeline, runID: RunID) -> PreparedBatch {
        let (records, unstorable) = BatchGuard.withoutNUL(batch.records)
        let output = pipeline.transformer.transform(records)
        let (quotes, conflicts) = BatchGuard.withoutConflicts(output.quotes, records: records)
        let rejections = batch.rejections + unstorable + output.rejections + conflicts
        return store.prepare(LoadBatch(
            runID: runID, pipeline: pipeline.name, raw: records, quotes: quotes, rejections: rejections,
            checkpoint: batch.checkpoint,
            counters: RunCounters(processed: quotes.count, quarantined: rejections.count, skipped: batch.skipped)))
    }
}

/// Prometheus-style metrics of runs, through swift-metrics (the host picks the backend).
enum RunMetrics {
    static func record(_ report: RunReport) {
        let pipeline = [("pipeline", report.pipeline)]
        Counter(label: "etl_records_processed_total", dimensions: pipeline).increment(by: report.counters.processed)
        Counter(label: "etl_records_quarantined_total", dimensions: pipeline).increment(by: report.counters.quarantined)
        Counter(label: "etl_records_skipped_total", dimensions: pipeline).increment(by: report.counters.skipped)
        Counter(label: "etl_runs_total", dimensions: pipeline + [("status", report.status.rawValue)]).increment()
        Timer(label: "etl_run_duration_seconds", dimensions: pipeline, preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(report.duration * 1_000_000_000))
    }
}

/// Live counters of a run in progress.
public struct RunProgress: Sendable {
    public var pipeline: String
    public var counters: RunCounters
    /// Share of the source read so far (0...1), when the source can tell.
    public var fraction: Double?
}

/// Turns errors into run messages fit for the run history and API clients.
public enum RunFailure {
    public static func message(for error: any Error) -> String {
        Redaction.redactURLPasswords("\(error)")
    }
}
