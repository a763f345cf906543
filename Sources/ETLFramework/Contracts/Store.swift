import Logging

/// A database that holds everything: the sink, the checkpoints, the run history, and the read side
/// the REST API serves.
public protocol Store: Sink, CheckpointStore, RunLog, QueryStore, StoreMaintenance {
    /// Runs the store's connections until the task is cancelled. Queries need it running.
    func run() async

    /// Applies pending schema migrations; returns the names of those applied now.
    func migrate(logger: Logger) async throws -> [String]

    /// Calls `onChange` whenever data or run history may have changed (in this process or any other
    /// sharing the store), until the task is cancelled. Callers use it to drop cached answers.
    func watchChanges(logger: Logger, onChange: @escaping @Sendable () -> Void) async throws

    /// The longest one call of a run may take (a batch write included) before the store counts as
    /// lost or stalled and the run fails; `nil` for a store that cannot go away (an embedded one,
    /// whose calls are only ever slow, and must not be abandoned half done).
    var callDeadline: Duration? { get }
}

extension Store {
    public var callDeadline: Duration? { nil }
}
