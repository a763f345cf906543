import ArgumentParser
import ETLFramework
import HostSupport
import Server
import Foundation
import Logging
import Synchronization
import UnixSignals

/// `host run FILE [--once]`: runs every pipeline, once or on its schedule.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every pipeline once (--once), or serve: run them on their schedules and serve the REST API.")

    @OptionGroup var options: PipelineFileOptions

    @Flag(help: "Run every pipeline once, print a summary and exit (non-zero if any run failed).")
    var once = false

    @Option(help: "Run only the named pipeline (repeatable).")
    var pipeline: [String] = []

    func run() async throws {
        let (loaded, logger) = try options.load()
        var selected = loaded.pipelines
        if !pipeline.isEmpty {
            let unknown = pipeline.filter { name in !selected.contains { $0.name == name } }
            guard unknown.isEmpty else {
                throw ValidationError(
                    "unknown pipeline \(unknown.joined(separator: ", ")); the file has "
                        + loaded.pipelines.map(\.name).joined(separator: ", "))
            }
            selected = selected.filter { pipeline.contains($0.name) }
        }
        let exporter = TelemetrySetup.start(loaded.telemetry, redaction: loaded.redaction, logger: logger)
        let notifier = once ? loaded.notify.map { WebhookNotifier(settings: $0, redaction: loaded.redaction) } : nil
        let runner = PipelineRunner(store: loaded.store, observer: notifier)
        let pipelines = selected
        do {
            if once {
                let interruption = OnceInterruption()
                let results = try await withStore(loaded.store, logger: logger) { _ in
                    await interruption.watching(logger: logger) { stop in
                        async let delivered: Void = notifier?.run(logger: logger) ?? ()
                        async let exported: Void = exporter?.run() ?? ()
                        let results = await Self.runOnce(pipelines, runner: runner, logger: logger, stop: stop)
                        // Notifications and spans of these runs go out before the process exits, within a bound.
                        notifier?.finish(drainingFor: WebhookNotifier.onceDrainGrace)
                        exporter?.shutdown()
                        await delivered
                        await exported
                        return results
                    }
                }
                print(RunSummary.table(results))
                if let signal = interruption.received { throw ExitCode(signal.exitCode) }
                if results.contains(where: { $0.report?.status != .success }) { throw ExitCode(1) }
            } else {
                var serving = loaded
                serving.pipelines = pipelines
                try await Serve.run(serving, logger: logger, first: exporter.map { [TelemetryService(exporter: $0)] } ?? [])
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            logger.critical("host stopped", metadata: ["error": "\(RunFailure.message(for: error))"])
            FileHandle.standardError.write(Data("error: \(RunFailure.message(for: error))\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Runs every pipeline once, concurrently; results in the file's order.
    static func runOnce(
        _ pipelines: [Pipeline], runner: PipelineRunner, logger: Logger, stop: StopSignal? = nil
    ) async -> [RunSummary.Row] {
        let progress = ProgressPrinter(pipelines: pipelines.map(\.name))
        return await withTaskGroup(of: (Int, RunSummary.Row).self) { group in
            for (index, pipeline) in pipelines.enumerated() {
                group.addTask {
                    (
                        index,
                        await runOne(
                            pipeline, runner: runner, trigger: .cli, logger: logger, stop: stop, progress: progress.update)
                    )
                }
            }
            var rows = [RunSummary.Row?](repeating: nil, count: pipelines.count)
            for await (index, row) in group { rows[index] = row }
            return rows.compactMap { $0 }
        }
    }

    static func runOne(
        _ pipeline: Pipeline, runner: PipelineRunner, trigger: RunTrigger, logger: Logger, stop: StopSignal? = nil,
        progress: (@Sendable (RunProgress) -> Void)? = nil
    ) async -> RunSummary.Row {
        var logger = logger
        logger[metadataKey: "pipeline"] = "\(pipeline.name)"
        do {
            let report = try await runner.run(pipeline, trigger: trigger, logger: logger, stop: stop, progress: progress)
            return RunSummary.Row(pipeline: pipeline.name, report: report, error: nil)
        } catch {
            logger.error("run not started", metadata: ["error": "\(RunFailure.message(for: error))"])
            return RunSummary.Row(pipeline: pipeline.name, report: nil, error: RunFailure.message(for: error))
        }
    }
}
