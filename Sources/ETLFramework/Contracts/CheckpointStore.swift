import Logging

/// Reads the checkpoint a pipeline's last committed batch left behind.
///
/// Checkpoints are written only by ``Sink/write(_:logger:)``, inside the batch's transaction.
public protocol CheckpointStore: Sendable {
    func checkpoint(for pipeline: String, logger: Logger) async throws -> Checkpoint?

    /// Forgets the pipeline's checkpoint, so that its next run reads the source from the start
    /// (rows already stored are then skipped as unchanged). Returns whether there was one.
    func resetCheckpoint(for pipeline: String, logger: Logger) async throws -> Bool
}
