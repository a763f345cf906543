import Logging

/// A database that holds everything: the sink, the checkpoints and the run history.
public protocol Store: Sink, CheckpointStore, RunLog {
    /// Runs the store's connections until the task is cancelled. Queries need it running.
    func run() async

    /// Applies pending schema migrations; returns the names of those applied now.
    func migrate(logger: Logger) async throws -> [String]
}
