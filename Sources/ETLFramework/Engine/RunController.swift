import Logging
import Synchronization
import Tracing

/// Runs pipelines for a long-running host: each at start and then on its schedule, and on demand
/// (`trigger`). One run per pipeline at a time: in this process by its own bookkeeping, across
/// processes by the store's run lock. ``shutdown()`` makes running pipelines stop at their next
/// batch boundary (recorded as `interrupted`) and ends ``run(schedules:)`` once they have.
public final class RunController: Sendable {
    public let runner: PipelineRunner
    public let pipelines: [Pipeline]
    let logger: Logger
    let stop = StopSignal()
    let requests: AsyncStream<Request>
    let requestSink: AsyncStream<Request>.Continuation
    /// Pipelines running in this process, with their run ids once known.
    let running = Mutex<[String: RunID?]>([:])
    /// Runs that ended here but whose end the database has not recorded yet, with why.
    let unrecordedRuns = Mutex<[String: (run: RunID?, reason: String)]>([:])

    struct Request: Sendable {
        var pipeline: Pipeline
        var trigger: RunTrigger
        /// The span of the request that asked for the run, which the run's span links to.
        var cause: InstrumentationContext?
        var reply: @Sendable (Result<RunID, any Error>) -> Void
    }

    public init(runner: PipelineRunner, pipelines: [Pipeline], logger: Logger) {
        self.runner = runner
        self.pipelines = pipelines
        self.logger = logger
        (requests, requestSink) = AsyncStream.makeStream(of: Request.self)
    }

    /// Runs scheduled (unless `schedules` is false) and triggered runs until ``shutdown()``, then
    /// waits for them to stop.
    public func run(schedules: Bool = true) async {
        await withDiscardingTaskGroup { group in
            if schedules {
                for pipeline in pipelines {
                    group.addTask { await self.schedule(pipeline) }
                }
            }
            for await request in requests {
                group.addTask { await self.execute(request) }
            }
            // Shutdown: runs get `shutdownGrace` to stop at a batch boundary; a run still going then
            // (a write stalled on the database) is cancelled, so that the host stops in bounded time.
            let deadline = ContinuousClock.now.advanced(by: Self.shutdownGrace)
            while running.withLock({ !$0.isEmpty }), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if running.withLock({ !$0.isEmpty }) {
                logger.warning(
                    "runs did not reach a batch boundary in time; cancelling them",
                    metadata: [
                        "grace": "\(Self.shutdownGrace)"
                    ])
                group.cancelAll()
            }
        }
    }

    /// How long a shutdown waits for runs to stop at a batch boundary before cancelling them.
    public static let shutdownGrace: Duration = .seconds(4)

    /// Stops scheduling, refuses new triggers, and asks running pipelines to stop at a batch boundary.
    public func shutdown() {
        stop.request()
        requestSink.finish()
    }

    /// Starts a run of `name` and returns its id once it is recorded; the run goes on in the background.
    ///
    /// Throws ``UnknownPipeline``, ``PipelineBusy`` (running here or in another process), or
    /// ``ShuttingDown``.
    public func trigger(_ name: String, by trigger: RunTrigger) async throws -> RunID {
        guard let pipeline = pipelines.first(where: { $0.name == name }) else { throw UnknownPipeline(name: name) }
        guard !stop.isRequested else { throw ShuttingDown() }
        let (replies, reply) = AsyncStream.makeStream(of: Result<RunID, any Error>.self)
        let request = Request(pipeline: pipeline, trigger: trigger, cause: InstrumentationContext.current) { result in
            reply.yield(result)
            reply.finish()
        }
        guard case .enqueued = requestSink.yield(request) else { throw ShuttingDown() }
        for await result in replies { return try result.get() }
        throw ShuttingDown()
    }

    /// Whether `name` is running in this process, and its run id when known.
    public func localRun(of name: String) -> RunID?? {
        running.withLock { $0[name] }
    }

    /// The runs that ended in this process but whose end is not recorded yet (the database did not
    /// answer), by pipeline, with the run id and why; recording them is being tried again.
    public var unrecorded: [String: (run: RunID?, reason: String)] {
        unrecordedRuns.withLock { $0 }
    }

    func execute(_ request: Request) async {
        let name = request.pipeline.name
        let claimed = running.withLock { running -> RunID?? in
            if let current = running[name] { return .some(current) }
            running[name] = .some(nil)
            return nil
        }
        if let current = claimed {
            request.reply(.failure(PipelineBusy(pipeline: name, runningRun: current)))
            return
        }
        defer { _ = running.withLock { $0.removeValue(forKey: name) } }
        var logger = self.logger
        logger[metadataKey: "pipeline"] = "\(name)"
        let replied = Mutex(false)
        do {
            _ = try await runner.run(
                request.pipeline, trigger: request.trigger, logger: logger, stop: stop,
                onStart: { id in
                    self.running.withLock { $0[name] = id }
                    replied.withLock { $0 = true }
                    request.reply(.success(id))
                },
                unrecorded: { reason in
                    let run = self.running.withLock { $0[name] ?? nil }
                    self.unrecordedRuns.withLock { $0[name] = reason.map { (run, $0) } }
                }, cause: request.cause)
        } catch {
            if replied.withLock({ $0 }) {
                logger.error("run could not be recorded", metadata: ["error": "\(RunFailure.message(for: error))"])
            } else {
                request.reply(.failure(error))
            }
        }
    }

    /// Runs `pipeline` now and then every `schedule`, until shutdown.
    func schedule(_ pipeline: Pipeline) async {
        while !stop.isRequested {
            do {
                _ = try await trigger(pipeline.name, by: .schedule)
            } catch is PipelineBusy {
                logger.info("scheduled run skipped: already running", metadata: ["pipeline": "\(pipeline.name)"])
            } catch is ShuttingDown {
                return
            } catch {
                logger.error(
                    "scheduled run not started",
                    metadata: [
                        "pipeline": "\(pipeline.name)", "error": "\(RunFailure.message(for: error))",
                    ])
            }
            // The next interval counts from the end of this run.
            while localRun(of: pipeline.name) != nil, await stop.sleep(for: .milliseconds(200)) {}
            guard let every = pipeline.schedule, await stop.sleep(for: every) else { return }
        }
    }
}

/// No pipeline of that name is configured.
public struct UnknownPipeline: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var description: String { "no pipeline is named \(name)" }
}

/// The host is shutting down and starts no new run.
public struct ShuttingDown: Error, Sendable, CustomStringConvertible {
    public var description: String { "the host is shutting down" }
}
