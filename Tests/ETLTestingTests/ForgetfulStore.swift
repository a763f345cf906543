import ETLFramework
import ETLSQLiteStore
import Foundation
import Logging

/// A SQLite store that never finds the checkpoint it saved: every run reads its source again.
struct ForgetfulStore: Store {
    let inner: SQLiteStore

    func checkpoint(for pipeline: String, logger: Logger) async throws -> Checkpoint? { nil }

    func write(_ batch: LoadBatch, logger: Logger) async throws -> RunCounters { try await inner.write(batch, logger: logger) }
    func resetCheckpoint(for pipeline: String, logger: Logger) async throws -> Bool {
        try await inner.resetCheckpoint(for: pipeline, logger: logger)
    }
    func run() async { await inner.run() }
    func migrate(logger: Logger) async throws -> [String] { try await inner.migrate(logger: logger) }
    func watchChanges(logger: Logger, onChange: @escaping @Sendable () -> Void) async throws {
        try await inner.watchChanges(logger: logger, onChange: onChange)
    }
    func maintain(now: Date, logger: Logger) async throws -> MaintenanceReport { try await inner.maintain(now: now, logger: logger) }
    func withRunLock<T: Sendable>(pipeline: String, logger: Logger, _ body: @Sendable () async throws -> T) async throws -> T {
        try await inner.withRunLock(pipeline: pipeline, logger: logger, body)
    }
    func recoverAbandonedRuns(logger: Logger) async throws -> Int { try await inner.recoverAbandonedRuns(logger: logger) }
    func startRun(pipeline: String, trigger: RunTrigger, logger: Logger) async throws -> RunID {
        try await inner.startRun(pipeline: pipeline, trigger: trigger, logger: logger)
    }
    func finishRun(_ id: RunID, status: RunStatus, message: String?, quality: RunQuality, logger: Logger) async throws -> RunReport {
        try await inner.finishRun(id, status: status, message: message, quality: quality, logger: logger)
    }
    func qualityFacts(pipeline: String, run: RunID, newestObservation: Bool, logger: Logger) async throws -> QualityFacts {
        try await inner.qualityFacts(pipeline: pipeline, run: run, newestObservation: newestObservation, logger: logger)
    }
    func ping(logger: Logger) async throws { try await inner.ping(logger: logger) }
    func unifiedRecords(_ query: RecordQuery, logger: Logger) async throws -> Page<UnifiedRecord> {
        try await inner.unifiedRecords(query, logger: logger)
    }
    func unifiedRecordMarks(source: String?, every: Int, logger: Logger) async throws -> RecordMarks {
        try await inner.unifiedRecordMarks(source: source, every: every, logger: logger)
    }
    func unifiedRecord(ticker: String, logger: Logger) async throws -> UnifiedRecord? {
        try await inner.unifiedRecord(ticker: ticker, logger: logger)
    }
    func history(_ query: HistoryQuery, logger: Logger) async throws -> Page<HistoryPoint> { try await inner.history(query, logger: logger) }
    func runs(_ query: RunQuery, logger: Logger) async throws -> Page<RunRecord> { try await inner.runs(query, logger: logger) }
    func run(id: RunID, rejectionLimit: Int, logger: Logger) async throws -> RunDetail? {
        try await inner.run(id: id, rejectionLimit: rejectionLimit, logger: logger)
    }
    func comparison(of run: RunRecord, logger: Logger) async throws -> RunComparison? { try await inner.comparison(of: run, logger: logger) }
    func anomalies(run: RunID, limit: Int, offset: Int, logger: Logger) async throws -> Page<Anomaly> {
        try await inner.anomalies(run: run, limit: limit, offset: offset, logger: logger)
    }
    func statistics(logger: Logger) async throws -> StoreStatistics { try await inner.statistics(logger: logger) }
    func latestRuns(logger: Logger) async throws -> [String: RunRecord] { try await inner.latestRuns(logger: logger) }
}
