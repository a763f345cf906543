import ETLFramework
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Holds a session advisory lock keyed by the pipeline on a dedicated connection for the run's
    /// lifetime. A crashed process's session ends and releases it, so the lock can never be stuck.
    package func withRunLock<T: Sendable>(
        pipeline: String, logger: Logger, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        return try await client.withConnection { connection in
            let locked: Bool
            do {
                locked = try await withDeadline(Self.lockDeadline, doing: "taking the run lock of \(pipeline)") {
                    try await connection.query(
                        "SELECT pg_try_advisory_lock(\(Self.lockNamespace), hashtext(\(pipeline)))", logger: logger
                    ).decode(Bool.self).first { _ in true } ?? false
                }
            } catch {
                throw PostgresStoreError.wrap(error, while: "taking the run lock of \(pipeline)")
            }
            guard locked else {
                // The holder records its run right after taking the lock; give it a moment to appear.
                for _ in 0..<20 {
                    if let running = try? await runningRun(of: pipeline, on: connection, logger: logger) {
                        throw PipelineBusy(pipeline: pipeline, runningRun: running)
                    }
                    try await Task.sleep(for: .milliseconds(25))
                }
                throw PipelineBusy(pipeline: pipeline, runningRun: nil)
            }
            // The lock is released on every way out, within a deadline (a stalled server must not hold
            // the run open); a session that is gone has released it already.
            @Sendable func unlock() async {
                // A closed session holds no lock: nothing to wait for.
                guard !connection.isClosed else { return }
                _ = try? await withDeadline(Self.unlockDeadline, doing: "releasing the run lock of \(pipeline)") {
                    try await connection.query("SELECT pg_advisory_unlock(\(Self.lockNamespace), hashtext(\(pipeline)))", logger: logger)
                }
            }
            do {
                let abandoned = try await withDeadline(Self.lockDeadline, doing: "recovering abandoned runs of \(pipeline)") {
                    try await connection.query(
                        """
                        UPDATE etl_runs SET status = 'interrupted', finished_at = clock_timestamp(),
                            duration_ms = (EXTRACT(EPOCH FROM clock_timestamp() - started_at) * 1000)::bigint,
                            message = \(Self.abandonedMessage)
                        WHERE pipeline = \(pipeline) AND status = 'running' RETURNING id
                        """, logger: logger
                    ).decode(Int64.self).reduce(into: [Int64]()) { $0.append($1) }
                }
                if !abandoned.isEmpty {
                    logger.warning("abandoned runs marked interrupted", metadata: ["runs": "\(abandoned)"])
                }
                // What earlier runs of the pipeline left unpublished (a crash, a failed publication)
                // is published before this run writes.
                try await publishPending(of: pipeline, logger: logger)
                let result = try await body()
                await unlock()
                return result
            } catch {
                await unlock()
                throw error
            }
        }
    }

    /// The longest the run lock's own queries may take.
    static let lockDeadline: Duration = .seconds(10)
    /// Releasing it is given less: a stop must end the process promptly, and a session that cannot
    /// release it (its server stalled) releases it when it ends or its queued unlock runs.
    static let unlockDeadline: Duration = .seconds(2)

    static let abandonedMessage =
        "the process running it stopped before finishing (crash or kill); "
        + "its committed batches are kept and the next run resumes after them"

    package func recoverAbandonedRuns(logger: Logger) async throws -> Int {
        do {
            // A live run holds the advisory lock (namespace, hashtext(pipeline)); pg_locks shows its two
            // int4 keys as the unsigned classid and objid.
            let rows = try await client.query(
                """
                UPDATE etl_runs r SET status = 'interrupted', finished_at = clock_timestamp(),
                    duration_ms = (EXTRACT(EPOCH FROM clock_timestamp() - r.started_at) * 1000)::bigint,
                    message = \(Self.abandonedMessage)
                WHERE r.status = 'running' AND NOT EXISTS (
                    SELECT 1 FROM pg_locks l
                    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND l.classid::bigint = (\(Self.lockNamespace)::bigint + 4294967296) % 4294967296
                      AND l.objid::bigint = (hashtext(r.pipeline)::bigint + 4294967296) % 4294967296)
                RETURNING r.id
                """, logger: logger)
            var count = 0
            for try await _ in rows.decode(Int64.self) { count += 1 }
            if count > 0 { logger.warning("abandoned runs marked interrupted", metadata: ["count": "\(count)"]) }
            return count
        } catch {
            throw PostgresStoreError.wrap(error, while: "recovering abandoned runs")
        }
    }

    func runningRun(of pipeline: String, on connection: PostgresConnection, logger: Logger) async throws -> RunID? {
        let rows = try await connection.query(
            "SELECT id FROM etl_runs WHERE pipeline = \(pipeline) AND status = 'running' ORDER BY id DESC LIMIT 1",
            logger: logger)
        for try await id in rows.decode(Int64.self) { return RunID(id) }
        return nil
    }

    package func startRun(pipeline: String, trigger: RunTrigger, logger: Logger) async throws -> RunID {
        do {
            let rows = try await client.query(
                """
                WITH run AS (
                    INSERT INTO etl_runs (pipeline, trigger, status) VALUES (\(pipeline), \(trigger.rawValue), 'running') RETURNING id
                ) SELECT id FROM run, pg_notify('etl_changes', '')
                """,
                logger: logger)
            for try await id in rows.decode(Int64.self) { return RunID(id) }
            throw PostgresStoreError(operation: "recording a run", reason: "no id returned")
        } catch {
            throw PostgresStoreError.wrap(error, while: "recording the start of a run of \(pipeline)")
        }
    }

    package func finishRun(
        _ id: RunID, status: RunStatus, message: String?, quality: RunQuality, logger: Logger
    ) async throws -> RunReport {
        do {
            var update = SQLBuilder("WITH run AS (UPDATE etl_runs SET status = ")
            update.bind(status.rawValue)
            update.sql(", message = ")
            update.bind(message)
            update.sql(", checks = ")
            update.bind(quality.checks.storedText)
            update.sql(", tickers = ")
            update.bind(quality.tickerText)
            update.sql(", compared_run_id = ")
            update.bind(quality.comparedRun?.rawValue)
            update.sql(
                """
                , finished_at = clock_timestamp(),
                    duration_ms = (EXTRACT(EPOCH FROM clock_timestamp() - started_at) * 1000)::bigint
                WHERE id = 
                """)
            update.bind(id.rawValue)
            update.sql(" RETURNING ")
            update.trustedSQL(Self.runColumns)
            update.sql(") SELECT run.* FROM run, pg_notify('etl_changes', '')")
            let query = update.query, client = self.client
            return try await failingFastWhenDown("recording the end of run \(id)", logger: logger) {
                for try await row in try await client.query(query, logger: logger) {
                    let run = try Self.run(row)
                    return RunReport(
                        runID: id, pipeline: run.pipeline, trigger: run.trigger, status: status, startedAt: run.startedAt,
                        finishedAt: run.finishedAt ?? Date(), counters: run.counters, message: message, checks: quality.checks)
                }
                throw RunRecordMissing(run: id)
            }
        } catch let missing as RunRecordMissing {
            throw missing
        } catch {
            throw PostgresStoreError.wrap(error, while: "recording the end of run \(id)")
        }
    }
}
