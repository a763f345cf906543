import Logging

/// Recording a run's end when the database does not take it at once.
extension PipelineRunner {
    /// How often a serving host tries again to record a run's end while the database does not answer.
    public static let recordRetryInterval: Duration = .seconds(1)

    /// Runs `record`; when it fails and `retrying` is given, tells it why and tries again every
    /// ``recordRetryInterval`` until it succeeds (then tells it `nil`) or `stop` is requested.
    /// A store that no longer holds the run (``RunRecordMissing``) ends the retries at once: no
    /// attempt can record it, and retrying would keep the pipeline from ever running again.
    static func recording(
        _ record: @Sendable () async throws -> RunReport, retrying: (@Sendable (String?) -> Void)?, until stop: StopSignal?,
        logger: Logger
    ) async throws -> RunReport {
        var attempts = 0
        while true {
            do {
                let report = try await record()
                if attempts > 0 {
                    retrying?(nil)
                    logger.info("the end of the run is recorded", metadata: ["attempts": "\(attempts + 1)"])
                }
                return report
            } catch {
                attempts += 1
                guard let retrying, stop?.isRequested != true else { throw error }
                if error is RunRecordMissing {
                    if attempts > 1 { retrying(nil) }
                    throw error
                }
                let reason = RunFailure.message(for: error)
                if attempts == 1 {
                    logger.warning("the end of the run is not recorded yet; trying again", metadata: ["error": "\(reason)"])
                }
                retrying(reason)
                if let stop {
                    guard await stop.sleep(for: recordRetryInterval) else { throw error }
                } else {
                    try await Task.sleep(for: recordRetryInterval)
                }
            }
        }
    }
}
