import Logging

/// Publishing a run's latest state once its batches are stored.
extension PipelineRunner {
    /// Asks the sink to publish what the run stored (see ``Sink/publish(run:logger:)``). A run that
    /// is being stopped leaves it to the store's recovery at the next start, so that a shutdown is
    /// not held up; a failure is said in the run's message and fails a run that had succeeded.
    func publish(_ runID: RunID, outcome: inout Outcome, stop: StopSignal?, logger: Logger) async {
        guard !Task.isCancelled, stop?.isRequested != true else { return }
        let sink = self.sink
        do {
            try await abandoning(on: stop, after: Self.stopGrace, doing: "publishing the latest state") {
                try await sink.publish(run: runID, logger: logger)
            }
        } catch {
            let reason = RunFailure.message(for: error)
            logger.error("the latest state of the run is not published yet", metadata: ["error": "\(reason)"])
            if outcome.status == .success { outcome.status = .failed }
            outcome.message =
                (outcome.message.map { $0 + "; " } ?? "") + "publishing failed (\(reason)); " + Self.unpublishedNote
        }
    }

    /// Said of a run whose stored batches are not published by its own end.
    static let unpublishedNote =
        "what its batches stored is not in the unified records yet: the next run of the pipeline or the next start of the host publishes it"
}
