import ETLFramework
import Foundation
import Logging
import SQLiteNIO

extension SQLiteStore {
    package func checkpoint(for pipeline: String, logger: Logger) async throws -> Checkpoint? {
        do {
            let rows = try await reader().query("SELECT kind, state FROM checkpoints WHERE pipeline = ?", [.text(pipeline)])
            guard let row = rows.first, let kind = row.column("kind")?.string, let state = row.column("state")?.string else { return nil }
            return Checkpoint(kind: kind, state: state)
        } catch {
            throw SQLiteStoreError.wrap(error, while: "reading the checkpoint of \(pipeline)")
        }
    }

    package func resetCheckpoint(for pipeline: String, logger: Logger) async throws -> Bool {
        do {
            let deleted = try await transaction { connection in
                try await connection.query("DELETE FROM checkpoints WHERE pipeline = ? RETURNING pipeline", [.text(pipeline)]).count
            }
            return deleted > 0
        } catch {
            throw SQLiteStoreError.wrap(error, while: "resetting the checkpoint of \(pipeline)")
        }
    }

    /// One process owns the file, so the run lock is this process's own bookkeeping; runs still
    /// `running` for the pipeline when it is taken were left by a process that died.
    package func withRunLock<T: Sendable>(
        pipeline: String, logger: Logger, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        let taken = state.runLocks.withLock { $0.insert(pipeline).inserted }
        guard taken else {
            let running = try? await reader().query(
                "SELECT id FROM etl_runs WHERE pipeline = ? AND status = 'running' ORDER BY id DESC LIMIT 1", [.text(pipeline)]
            ).first?.column("id")?.integer
            throw PipelineBusy(pipeline: pipeline, runningRun: running.map { RunID(Int64($0)) })
        }
        defer { _ = state.runLocks.withLock { $0.remove(pipeline) } }
        _ = try await markInterrupted(where: "pipeline = ?", [.text(pipeline)])
        return try await body()
    }

    package func recoverAbandonedRuns(logger: Logger) async throws -> Int {
        let live = state.runLocks.withLock { $0 }
        let placeholders = live.isEmpty ? "" : " AND pipeline NOT IN (" + live.map { _ in "?" }.joined(separator: ", ") + ")"
        let count = try await markInterrupted(where: "true" + placeholders, live.sorted().map { .text($0) })
        if count > 0 { logger.warning("abandoned runs marked interrupted", metadata: ["count": "\(count)"]) }
        return count
    }

    func markInterrupted(where condition: String, _ binds: [SQLiteData]) async throws -> Int {
        do {
            let now = Self.now()
            let changed = try await transaction { connection in
                let rows = try await connection.query(
                    """
                    UPDATE etl_runs SET status = 'interrupted', finished_at = ?, duration_ms = CAST((? - started_at) * 1000 AS INTEGER),
                        message = 'the process running it stopped before finishing (crash or kill); its committed batches are kept and the next run resumes after them'
                    WHERE status = 'running' AND \(condition) RETURNING id
                    """, [.float(now), .float(now)] + binds)
                return rows.count
            }
            if changed > 0 { state.changed() }
            return changed
        } catch {
            throw SQLiteStoreError.wrap(error, while: "marking abandoned runs")
        }
    }

    package func startRun(pipeline: String, trigger: RunTrigger, logger: Logger) async throws -> RunID {
        do {
            let id = try await transaction { connection in
                let rows = try await connection.query(
                    "INSERT INTO etl_runs (pipeline, trigger, status, started_at) VALUES (?, ?, 'running', ?) RETURNING id",
                    [.text(pipeline), .text(trigger.rawValue), .float(Self.now())])
                guard let id = rows.first?.column("id")?.integer else { throw SQLiteStoreError(reason: "no run id returned") }
                return id
            }
            state.changed()
            return RunID(Int64(id))
        } catch {
            throw SQLiteStoreError.wrap(error, while: "recording the start of a run of \(pipeline)")
        }
    }

    package func finishRun(
        _ id: RunID, status: RunStatus, message: String?, quality: RunQuality, logger: Logger
    ) async throws -> RunReport {
        do {
            let now = Self.now()
            let row = try await transaction { connection in
                try await connection.query(
                    """
                    UPDATE etl_runs SET status = ?, message = ?, checks = ?, tickers = ?, compared_run_id = ?, finished_at = ?,
                        duration_ms = CAST((? - started_at) * 1000 AS INTEGER)
                    WHERE id = ? RETURNING \(Self.runColumns)
                    """,
                    [
                        .text(status.rawValue), message.map { .text($0) } ?? .null, quality.checks.storedText.map { .text($0) } ?? .null,
                        .text(quality.tickerText), quality.comparedRun.map { .integer(Int($0.rawValue)) } ?? .null, .float(now),
                        .float(now), .integer(Int(id.rawValue)),
                    ]
                ).first
            }
            state.changed()
            guard let row, let run = Self.run(row) else { throw RunRecordMissing(run: id) }
            return RunReport(
                runID: id, pipeline: run.pipeline, trigger: run.trigger, status: status, startedAt: run.startedAt,
                finishedAt: run.finishedAt ?? Date(), counters: run.counters, message: message, checks: quality.checks)
        } catch let missing as RunRecordMissing {
            throw missing
        } catch {
            throw SQLiteStoreError.wrap(error, while: "recording the end of run \(id)")
        }
    }

    package func watchChanges(logger: Logger, onChange: @escaping @Sendable () -> Void) async throws {
        let key = state.nextListener.withLock { next in
            defer { next += 1 }
            return next
        }
        state.listeners.withLock { $0[key] = onChange }
        defer { _ = state.listeners.withLock { $0.removeValue(forKey: key) } }
        onChange()
        while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
    }

    static let runColumns =
        "id, pipeline, trigger, status, started_at, finished_at, processed, quarantined, skipped, filtered, duration_ms, message, "
        + "anomalies, checks, compared_run_id"

    static func run(_ row: SQLiteRow) -> RunRecord? {
        guard let id = row.column("id")?.integer, let pipeline = row.column("pipeline")?.string,
            let started = row.column("started_at")?.double
        else { return nil }
        return RunRecord(
            id: RunID(Int64(id)), pipeline: pipeline,
            trigger: RunTrigger(rawValue: row.column("trigger")?.string ?? "") ?? .cli,
            status: RunStatus(rawValue: row.column("status")?.string ?? "") ?? .failed,
            startedAt: Date(timeIntervalSince1970: started),
            finishedAt: row.column("finished_at")?.double.map(Date.init(timeIntervalSince1970:)),
            counters: RunCounters(
                processed: row.column("processed")?.integer ?? 0, quarantined: row.column("quarantined")?.integer ?? 0,
                skipped: row.column("skipped")?.integer ?? 0, filtered: row.column("filtered")?.integer ?? 0,
                anomalies: row.column("anomalies")?.integer ?? 0),
            durationMS: row.column("duration_ms")?.integer, message: row.column("message")?.string,
            checks: [CheckResult](storedText: row.column("checks")?.string),
            comparedRun: row.column("compared_run_id")?.integer.map { RunID(Int64($0)) })
    }
}
