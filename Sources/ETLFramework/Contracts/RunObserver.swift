import Logging

/// Told of every run the runner records (see ``PipelineRunner/observer``): notifications hook in here.
///
/// Called on the run's task once its end is recorded; an implementation queues its work and returns
/// at once, so that nothing it does can slow or fail a run.
public protocol RunObserver: Sendable {
    func runFinished(_ report: RunReport, logger: Logger)
}
