import Foundation
import Logging
import Metrics
import Tracing

/// Runs pipelines: extract -> transform -> load, batch by batch, into one store.
///
/// Each batch is written in one transaction with its checkpoint, so a run stopped at any point
/// (crash, cancellation) resumes after the last committed batch. Reading and transforming the next
/// batch overlaps with writing the current one. Cancellation stops at a batch boundary and records
/// the run as `interrupted`.
public struct PipelineRunner: Sendable {
    /// Where batches are written.
    public let sink: any Sink
    /// Where each run starts reading.
    public let checkpoints: any CheckpointStore
    /// The run history and the run locks.
    public let runLog: any RunLog
    /// The longest one database call of a run may take (see ``Store/callDeadline``).
    public let callDeadline: Duration?
    /// Told of every recorded run (notifications); must not block.
    public let observer: (any RunObserver)?
    /// The taps attached to this host's pipelines, offered what leaves each point while one watches.
    public var taps: TapHub?
    /// How long the database may take to answer before a run is not even started: as long as a new
    /// connection may take, so that a busy server is not mistaken for a stalled one.
    public static let reachDeadline: Duration = .seconds(10)
    /// How long recording a run's end may take (kept short: it also runs during a forced shutdown).
    public static let recordDeadline: Duration = .seconds(3)

    public init(
        sink: any Sink, checkpoints: any CheckpointStore, runLog: any RunLog, callDeadline: Duration?,
        observer: (any RunObserver)? = nil
    ) {
        self.sink = sink
        self.checkpoints = checkpoints
        self.runLog = runLog
        self.callDeadline = callDeadline
        self.observer = observer
    }

    /// A runner writing to, and recording runs in, one store.
    public init(store: any Store, observer: (any RunObserver)? = nil) {
        self.init(sink: store, checkpoints: store, runLog: store, callDeadline: store.callDeadline, observer: observer)
    }

    /// Runs one database call under ``callDeadline``, so that a lost or stalled database fails the
    /// run within seconds instead of hanging it.
    /// Each call is a client span named after `operation` when a tracer is set up.
    func database<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withSpan(operation, ofKind: .client) { span in
            span.attributes["db.operation.name"] = operation
            guard let deadline = callDeadline else { return try await body() }
            return try await withDeadline(deadline, doing: operation, body)
        }
    }

    /// Runs `pipeline` once under its run lock and returns the recorded report.
    ///
    /// Throws ``PipelineBusy`` when the pipeline is already running, or the store's error when the run
    /// could not even be recorded. Failures of the run itself are reported, not thrown.
    /// - Parameters:
    ///   - pipeline: the pipeline to run.
    ///   - trigger: what started the run, as recorded (`cli`, `schedule`, `api`).
    ///   - logger: where the run logs; its lines carry the pipeline and the run id.
    ///   - stop: when requested, the run ends at the next batch boundary as `interrupted`.
    ///   - onStart: called once the run holds its lock and is recorded, with its id.
    ///   - progress: called after each stored batch with the run's counters so far.
    ///   - unrecorded: when given, recording the run's end is tried again every
    ///     ``recordRetryInterval`` until the database answers or `stop` is requested, and this is
    ///     told why it is not recorded yet (and `nil` once it is). When `nil`, one failed attempt
    ///     leaves the run to be marked interrupted by the next run of the pipeline.
    ///   - cause: the span of what asked for the run (an HTTP request), which the run's span links to.
    ///
    /// With a tracer set up (`InstrumentationSystem`), the run is the root span of its own trace,
    /// with a child span per batch and, under each, the read, every transform step and the write.
    public func run(
        _ pipeline: Pipeline, trigger: RunTrigger, logger: Logger, stop: StopSignal? = nil,
        onStart: (@Sendable (RunID) -> Void)? = nil, progress: (@Sendable (RunProgress) -> Void)? = nil,
        unrecorded: (@Sendable (String?) -> Void)? = nil, cause: InstrumentationContext? = nil
    ) async throws -> RunReport {
        let span = startSpan("run \(pipeline.name)", context: .topLevel)
        if let cause { span.addLink(SpanLink(context: cause, attributes: [:])) }
        span.attributes["etl.pipeline"] = pipeline.name
        span.attributes["etl.trigger"] = trigger.rawValue
        do {
            let report = try await InstrumentationContext.$current.withValue(span.context) {
                try await runLocked(
                    pipeline, trigger: trigger, logger: logger, stop: stop, onStart: onStart, progress: progress, unrecorded: unrecorded)
            }
            span.attributes["etl.run_id"] = Int64(report.runID.rawValue)
            span.attributes["etl.status"] = report.status.rawValue
            span.attributes["etl.processed"] = report.counters.processed
            span.attributes["etl.quarantined"] = report.counters.quarantined
            span.attributes["etl.skipped"] = report.counters.skipped
            span.attributes["etl.filtered"] = report.counters.filtered
            if report.status != .success { span.setStatus(SpanStatus(code: .error, message: report.message)) }
            span.end()
            return report
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: RunFailure.message(for: error)))
            span.end()
            throw error
        }
    }

    /// ``run(_:trigger:logger:stop:onStart:progress:unrecorded:cause:)`` inside the run's span: the
    /// run under its lock, recorded from start to end.
    func runLocked(
        _ pipeline: Pipeline, trigger: RunTrigger, logger: Logger, stop: StopSignal?, onStart: (@Sendable (RunID) -> Void)?,
        progress: (@Sendable (RunProgress) -> Void)?, unrecorded: (@Sendable (String?) -> Void)?
    ) async throws -> RunReport {
        let runLog = self.runLog
        // A database that is down fails fast here, before the run lock is waited for.
        try await withDeadline(Self.reachDeadline, doing: "reaching the database") { try await runLog.ping(logger: logger) }
        return try await runLog.withRunLock(pipeline: pipeline.name, logger: logger) {
            let runID = try await database("recording the start of a run") {
                try await runLog.startRun(pipeline: pipeline.name, trigger: trigger, logger: logger)
            }
            let started = Date()
            taps?.announce(.run(pipeline: pipeline.name, runID: runID, phase: .started, status: nil), pipeline: pipeline.name)
            onStart?(runID)
            var logger = logger
            logger[metadataKey: "run_id"] = "\(runID)"
            logger.info("run started", metadata: ["trigger": "\(trigger.rawValue)"])
            var writeFailed = false
            var executed = await execute(
                pipeline, sink: sink, runID: runID, logger: logger, stop: stop, progress: progress, writeFailed: &writeFailed)
            if writeFailed {
                // The database just failed a write: publishing is left to the next run or start
                // rather than made to fail the same way (and hold up a run that must end promptly).
                if executed.counters.processed > 0 {
                    executed.message = (executed.message.map { $0 + "; " } ?? "") + Self.unpublishedNote
                }
            } else {
                await publish(runID, outcome: &executed, stop: stop, logger: logger)
            }
            let outcome = executed
            var report: RunReport
            do {
                // Recorded even when the run's task was cancelled (a forced shutdown): the record is
                // what tells the next reader what happened.
                let finish: @Sendable () async throws -> RunReport = { [logger] in
                    try await runLog.finishRun(
                        runID, status: outcome.status, message: outcome.message, quality: outcome.quality, logger: logger)
                }
                let deadline = callDeadline.map { min($0, Self.recordDeadline) }
                let record: @Sendable () async throws -> RunReport = {
                    try await Task {
                        guard let deadline else { return try await finish() }
                        return try await withDeadline(deadline, doing: "recording the end of a run", finish)
                    }.value
                }
                report = try await Self.recording(record, retrying: unrecorded, until: stop, logger: logger)
            } catch {
                logger.error("the end of the run could not be recorded", metadata: ["error": "\(RunFailure.message(for: error))"])
                let consequence =
                    error is RunRecordMissing
                    ? "not recorded: \(error); the run is not in the run history"
                    : "not recorded: \(RunFailure.message(for: error)); the next start marks the run interrupted"
                report = RunReport(
                    runID: runID, pipeline: pipeline.name, trigger: trigger, status: outcome.status, startedAt: started,
                    finishedAt: Date(), counters: outcome.counters,
                    message: (outcome.message.map { $0 + "; " } ?? "") + consequence, checks: outcome.quality.checks)
            }
            report.previous = outcome.previous
            taps?.announce(.run(pipeline: pipeline.name, runID: runID, phase: .finished, status: report.status), pipeline: pipeline.name)
            RunMetrics.record(report)
            observer?.runFinished(report, logger: logger)
            logger.log(
                level: report.status == .success ? .info : .error, "run finished",
                metadata: [
                    "status": "\(report.status.rawValue)", "processed": "\(report.counters.processed)",
                    "quarantined": "\(report.counters.quarantined)", "skipped": "\(report.counters.skipped)",
                    "filtered": "\(report.counters.filtered)", "anomalies": "\(report.counters.anomalies)",
                    "checks_failed": "\(report.checks.failed.map(\.name).joined(separator: ","))",
                    "duration_ms": "\(Int(report.duration * 1000))",
                ].merging(report.message.map { ["message": "\($0)"] } ?? [:]) { $1 })
            return report
        }
    }

    /// How long a stop waits for the batch being written before giving it up.
    public static let stopGrace: Duration = .seconds(4)

    struct Outcome {
        var status: RunStatus
        var message: String?
        /// What the committed batches added (as far as this process knows).
        var counters = RunCounters()
        /// The check results and the tickers received.
        var quality = RunQuality()
        /// The pipeline's previous finished run, when the checks read it.
        var previous: RunRecord?
    }

    func execute<S: Sink>(
        _ pipeline: Pipeline, sink: S, runID: RunID, logger: Logger, stop: StopSignal?,
        progress: (@Sendable (RunProgress) -> Void)?, writeFailed: inout Bool
    ) async -> Outcome {
        func stopping() -> Bool { Task.isCancelled || stop?.isRequested == true }
        var counters = RunCounters()
        var reasons = ReasonTally()
        var notes: [String] = []
        var tickers = Set<String>()
        func quality() -> RunQuality { RunQuality(tickers: tickers.sorted()) }
        // The spans of batches read but not committed yet; those left when the run ends (a failure,
        // a stop) end then, saying so.
        var inFlight: [Int: any Span] = [:]
        defer {
            for span in inFlight.values {
                span.addEvent(SpanEvent(name: "not written: the run ended first"))
                span.end()
            }
        }
        do {
            let checkpoints = self.checkpoints
            let checkpoint = try await database("reading the checkpoint") {
                try await checkpoints.checkpoint(for: pipeline.name, logger: logger)
            }
            // A copy per run: steps that remember (dedupe) start afresh.
            var chain = pipeline.transforms
            // Reads run where a stop can abandon them: a source blocked in a read (a pipe, a stalled
            // network file system) must not keep the run, or the process, from stopping.
            let source = pipeline.source, batchSize = pipeline.batchSize
            // They run on threads of their own (SourceReadExecutor), so a blocked read holds no
            // thread of the cooperative pool.
            var reader = try await withSpan("open source") { _ in
                try await abandoning(on: stop, doing: "opening the source") {
                    try await withTaskExecutorPreference(SourceReadExecutor.shared) {
                        try await source.open(resumingFrom: checkpoint, logger: logger)
                    }
                }
            }
            @Sendable func read(_ reader: any SourceReader) async throws -> (any SourceReader, SourceBatch?) {
                try await abandoning(on: stop, doing: "reading the source") {
                    try await withTaskExecutorPreference(SourceReadExecutor.shared) {
                        var reader = reader
                        let batch = try await reader.nextBatch(maxRecords: batchSize)
                        return (reader, batch)
                    }
                }
            }
            // With a tracer, each batch is a span from the start of its read to its commit; its read
            // is a child span, current while reading (an API source's requests nest under it).
            let traced = !(InstrumentationSystem.tracer is NoOpTracer)
            var batchNumber = 0
            func tracedRead(_ reader: any SourceReader) async throws -> (any SourceReader, SourceBatch?, (any Span)?) {
                guard traced else {
                    let (reader, batch) = try await read(reader)
                    return (reader, batch, nil)
                }
                let batchSpan = startSpan("batch")
                let readSpan = startSpan("read", context: batchSpan.context)
                do {
                    let (reader, batch) = try await InstrumentationContext.$current.withValue(readSpan.context) { try await read(reader) }
                    readSpan.attributes["etl.records"] = batch?.records.count ?? 0
                    readSpan.end()
                    if batch == nil {
                        batchSpan.operationName = "end of source"
                        batchSpan.end()
                        return (reader, nil, nil)
                    }
                    return (reader, batch, batchSpan)
                } catch {
                    readSpan.recordError(error)
                    readSpan.setStatus(SpanStatus(code: .error))
                    readSpan.end()
                    batchSpan.addEvent(SpanEvent(name: "not written: the run ended first"))
                    batchSpan.end()
                    throw error
                }
            }
            func loaded(_ batch: SourceBatch, span: (any Span)?) -> Load {
                batchNumber += 1
                if let span { inFlight[batchNumber] = span }
                return makeLoad(batch, chain: &chain, pipeline: pipeline, runID: runID, number: batchNumber, span: span)
            }
            let first: SourceBatch?
            let firstSpan: (any Span)?
            (reader, first, firstSpan) = try await tracedRead(reader)
            // The mapping is checked against the data before anything is written.
            if let fields = reader.fieldNames {
                let report = chain.fieldReport(
                    available: fields, receiptTime: pipeline.source.receiptTimeMeaning)
                if let failure = report.failure {
                    logger.error("the field mapping does not fit the data", metadata: ["problems": "\(report.errors)"])
                    return Outcome(status: .failed, message: failure, quality: quality())
                }
                notes = report.notes
                if !notes.isEmpty { logger.warning("defaults apply", metadata: ["notes": "\(notes)"]) }
            }
            // Three stages overlap: while batch N is written, batch N+1 is encoded by the sink
            // (``Sink/prepare(_:)``) and batch N+2 is read and transformed.
            var load = first.map { loaded($0, span: firstSpan) }
            var prepared: S.Prepared?  // `load` encoded, when the previous step did it
            var following: Load?  // the batch after `load`, read and transformed
            var sourceDone = first == nil
            let clock = ContinuousClock()
            while let current = load {
                // A stop lets the batch in flight commit, for up to `stopGrace` (a stalled database
                // must not hold the process past it).
                let began = clock.now
                let ready = prepared
                async let written = InstrumentationContext.$current.withValue(current.span?.context ?? InstrumentationContext.current) {
                    try await abandoning(on: stop, after: Self.stopGrace, doing: "writing a batch") {
                        try await database("writing a batch") {
                            let encoded = ready ?? sink.prepare(current.batch)
                            let encodedAt = clock.now
                            let counters = try await sink.write(encoded, logger: logger)
                            return (counters, prepare: encodedAt - began, write: clock.now - encodedAt)
                        }
                    }
                }
                let toEncode = following
                async let encodedNext = toEncode.map { sink.prepare($0.batch) }
                var timing = BatchTiming()
                var abandoned = false
                var queue = [following].compactMap { $0 }
                do {
                    // Two batches ahead: the first step reads two.
                    while !sourceDone, queue.count < 2, !stopping() {
                        let readStart = clock.now
                        let next: SourceBatch?
                        let nextSpan: (any Span)?
                        (reader, next, nextSpan) = try await tracedRead(reader)
                        let readEnd = clock.now
                        if let next {
                            queue.append(loaded(next, span: nextSpan))
                        } else {
                            sourceDone = true
                        }
                        timing.read += readEnd - readStart
                        timing.transform += clock.now - readEnd
                    }
                } catch is StoppedWhileWaiting {
                    // The batch in flight still commits; the read is given up.
                    abandoned = true
                }
                let added: RunCounters
                do {
                    (added, timing.prepare, timing.write) = try await written
                } catch {
                    writeFailed = true
                    // Ended with the other unwritten batches, when the run ends.
                    current.span?.recordError(error)
                    current.span?.setStatus(SpanStatus(code: .error))
                    throw error
                }
                current.traced(added)
                inFlight[current.number] = nil
                let nextPrepared = await encodedNext
                (load, prepared) = (queue.first, toEncode == nil ? nil : nextPrepared)
                following = queue.count > 1 ? queue[1] : nil
                counters = counters + added
                tickers.formUnion(current.tickers)
                for reason in current.reasons { reasons.add(reason) }
                reasons.add(Rejection.storedConflictReason, count: added.quarantined - current.reasons.count)
                progress?(RunProgress(pipeline: pipeline.name, counters: counters, fraction: reader.progress))
                if logger.logLevel <= .debug {
                    timing.total = clock.now - began
                    logger.debug("batch committed", metadata: timing.metadata.merging(["records": "\(current.records)"]) { $1 })
                }
                if stopping() || abandoned {
                    // An abandoned read of the next batch loses nothing: the run ends after the
                    // batch that committed.
                    return Outcome(
                        status: .interrupted, message: "stopped at a batch boundary by shutdown", counters: counters,
                        quality: quality())
                }
            }
            if let summary = reader.summary { logger.warning("source summary", metadata: ["summary": "\(summary)"]) }
            var said = notes + [reader.summary].compactMap { $0 }
            if counters.filtered > 0, counters.filtered == counters.read {
                // Legitimate at times, but also what a mistyped condition does: said, never silent.
                said.append("the transform steps filtered out every record read (\(counters.filtered))")
                logger.warning("every record was filtered out", metadata: ["filtered": "\(counters.filtered)"])
            }
            var outcome = try await judged(
                pipeline, runID: runID, counters: counters, reasons: reasons, said: said, logger: logger)
            outcome.quality.tickers = tickers.sorted()
            return outcome
        } catch is CancellationError {
            return Outcome(
                status: .interrupted, message: "stopped by shutdown before the batch committed", counters: counters,
                quality: quality())
        } catch let stopped as StoppedWhileWaiting {
            let message =
                stopped.operation == "writing a batch"
                ? "stopped by shutdown while a batch was being written (given up after \(Self.stopGrace); "
                    + "the next run resumes after the last committed batch)"
                : "stopped by shutdown while the source was reading (the read was abandoned)"
            return Outcome(status: .interrupted, message: message, counters: counters, quality: quality())
        } catch {
            logger.error("run failed", metadata: ["error": "\(String(reflecting: error))"])
            // Say what is stored: the batches committed before the failure are kept.
            let stored =
                counters == RunCounters()
                ? ""
                : "; stored before the failure: \(counters.processed) processed, "
                    + "\(counters.quarantined) quarantined, \(counters.skipped) skipped (kept; the next run resumes after them)"
            return Outcome(
                status: .failed, message: RunFailure.message(for: error) + stored, counters: counters, quality: quality())
        }
    }

    /// A batch ready to write, with what the run needs to know of it once written.
    struct Load: Sendable {
        /// The batch's span, from its read to its commit, when a tracer is set up.
        var span: (any Span)?
        /// The batch's number in its run, from 1.
        var number = 0
        /// Encoded by the sink (``Sink/prepare(_:)``) in the task that writes it.
        var batch: LoadBatch
        /// The reasons of the batch's rejections, for the run's checks.
        var reasons: [String]
        /// How many raw records it holds.
        var records: Int
        /// The distinct tickers of its quotes.
        var tickers: Set<String>
    }

    /// Runs a source batch through the chain. Records a store cannot hold and quotes that conflict
    /// within the batch become rejections here, the same for every store.
    func makeLoad(
        _ batch: SourceBatch, chain: inout TransformChain, pipeline: Pipeline, runID: RunID, number: Int, span: (any Span)? = nil
    ) -> Load {
        let taps = self.taps?.taps(of: pipeline.name) ?? []
        var reports: [StageReport]? = span != nil || !taps.isEmpty ? [] : nil
        var transformed = BatchGuard.transform(batch, chain: &chain, reports: &reports)
        if let reports, !taps.isEmpty {
            TapHub.offer(reports, to: taps, pipeline: pipeline.name, runID: runID, batch: number)
        }
        if let span {
            span.attributes["etl.batch"] = number
            // The steps' spans (the source's point, 0, is the read's own span).
            for report in (reports ?? []).dropFirst() { report.record(under: span) }
        }
        // Sinks store each payload's text; its tree is dropped here (in place: the array is not
        // copied), since three batches are in flight.
        for index in transformed.raw.indices { transformed.raw[index].payload = .null }
        let load = LoadBatch(
            runID: runID, pipeline: pipeline.name, raw: transformed.raw, quotes: transformed.quotes,
            rejections: transformed.rejections, checkpoint: batch.checkpoint, counters: transformed.counters,
            priceMoveLimit: pipeline.checks.maxPriceChange?.value, defersLatestState: true)
        return Load(
            span: span, number: number, batch: load,
            reasons: transformed.rejections.map(\.reason), records: transformed.raw.count,
            tickers: Set(transformed.quotes.lazy.map(\.ticker)))
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
