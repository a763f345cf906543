import ETLFramework
import Foundation
import Logging
import PostgresNIO

/// Publishing the latest state of runs (see ``LatestPublication``).
extension PostgresStore {
    package func publish(run: RunID, logger: Logger) async throws {
        let rows = runAssets.rows(of: run)
        defer { runAssets.forget(run) }
        do {
            if let newest = runAssets.newest(of: run) {
                if !newest.isEmpty {
                    let refs = newest.keys.sorted()
                    try await publish(run, refs: refs, times: refs.map { PostgresTimestamp.text(newest[$0]!) }, logger: logger)
                }
            } else {
                try await publishFromDatabase(run, logger: logger)
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "publishing the latest state of run \(run)")
        }
        if rows >= settleAfterRows { await settle(after: rows, logger: logger) }
    }

    /// After a large run, the first reads of its rows would each pay for setting hint bits and for
    /// pages not yet marked all-visible, and the planner would use statistics from before it:
    /// `VACUUM (ANALYZE)` of the tables the API reads does that work once, before the run ends.
    /// A failure is logged, never the run's.
    func settle(after rows: Int, logger: Logger) async {
        let started = ContinuousClock.now
        do {
            try await withDeadline(Self.settleDeadline, doing: "vacuuming after a large run") { [client] in
                try await client.query("VACUUM (ANALYZE) observations, source_assets, assets, normalized_records", logger: logger)
            }
            logger.info(
                "tables vacuumed after a large run",
                metadata: ["rows": "\(rows)", "duration_ms": "\(Int((ContinuousClock.now - started) / .milliseconds(1)))"])
        } catch {
            logger.warning(
                "the tables could not be vacuumed after a large run; reads are slower until autovacuum does it",
                metadata: ["error": "\(RunFailure.message(for: PostgresStoreError.wrap(error, while: "vacuuming")))"])
        }
    }

    /// The longest the vacuum after a large run may take.
    static let settleDeadline: Duration = .seconds(120)

    package func publishPending(logger: Logger) async throws {
        try await publishPending(of: nil, logger: logger)
    }

    /// Publishes the finished runs (of `pipeline`, when given) that left their latest state unpublished.
    func publishPending(of pipeline: String?, logger: Logger) async throws {
        do {
            var select = SQLBuilder("SELECT id FROM etl_runs WHERE latest_pending AND status <> 'running'")
            select.condition(" AND pipeline = ", pipeline)
            select.sql(" ORDER BY id")
            let query = select.query
            let runs = try await withCallDeadline("finding unpublished runs") { [client] in
                try await client.query(query, logger: logger).decode(Int64.self).reduce(into: [RunID]()) { $0.append(RunID($1)) }
            }
            for run in runs {
                try await publishFromDatabase(run, logger: logger)
                logger.warning("a run left unpublished is published", metadata: ["run_id": "\(run)"])
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "publishing runs left unpublished")
        }
    }

    /// Publishes `run` from what the database says it left pending.
    func publishFromDatabase(_ run: RunID, logger: Logger) async throws {
        let client = self.client
        let refs = try await withCallDeadline("reading what run \(run) left to publish") {
            let pending = try await client.query(
                "SELECT latest_pending FROM etl_runs WHERE id = \(run.rawValue)", logger: logger
            ).decode(Bool.self).first { _ in true }
            guard pending == true else { return [Int32]() }
            return try await client.query(LatestPublication.pendingRefs(of: run), logger: logger).decode(Int32.self)
                .reduce(into: [Int32]()) { $0.append($1) }
        }
        try await publish(run, refs: refs, times: nil, logger: logger)
    }

    /// Publishes the source assets `refs` of `run` (ascending), at their observations `times` (or at
    /// their newest stored observations), chunk by chunk; the last chunk clears the run's marks.
    func publish(_ run: RunID, refs: [Int32], times: [String]?, logger: Logger) async throws {
        let chunks = stride(from: 0, to: max(refs.count, 1), by: LatestPublication.chunkSize).map {
            $0..<min($0 + LatestPublication.chunkSize, refs.count)
        }
        for (index, range) in chunks.enumerated() {
            let last = index == chunks.count - 1
            let chunk = Array(refs[range]), chunkTimes = times.map { Array($0[range]) }
            try await failingFastWhenDown("publishing the latest state of run \(run)", logger: logger) {
                try await TransactionConflict.retrying("publishing the latest state", pipeline: "run \(run)", logger: logger) {
                    try await withCallDeadline("publishing the latest state of run \(run)") {
                        try await publishChunk(run, refs: chunk, times: chunkTimes, last: last, logger: logger)
                    }
                }
            }
        }
        primary.answered()
        await noteChange(logger: logger)
    }

    func publishChunk(_ run: RunID, refs: [Int32], times: [String]?, last: Bool, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            var refs = refs, times = times ?? []
            var tickers: [String] = []
            if times.isEmpty, !refs.isEmpty {
                // Recovery: each source asset's newest stored observation.
                let pending = refs
                (refs, times) = ([], [])
                let rows = try await connection.query(LatestPublication.newestObservations(of: pending), logger: logger)
                var seen = Set<String>()
                for try await (ref, at, ticker) in rows.decode((Int32, String, String).self) {
                    refs.append(ref)
                    times.append(at)
                    if seen.insert(ticker).inserted { tickers.append(ticker) }
                }
            } else if !refs.isEmpty {
                let rows = try await connection.query(LatestPublication.tickers(refs: refs, times: times), logger: logger)
                for try await ticker in rows.decode(String.self) { tickers.append(ticker) }
            }
            if !tickers.isEmpty {
                // From here to the commit, no other transaction changes these tickers (see LockOrder).
                try await connection.query(Self.lockTickers(LockOrder.buckets(of: tickers)), logger: logger)
                try await connection.query(LatestPublication.upsertAssets(refs: refs, times: times), logger: logger)
                try await connection.query(Self.refreshUnified(tickers), logger: logger)
            }
            if last {
                for statement in LatestPublication.clear(run: run) { try await connection.query(statement, logger: logger) }
                try await connection.query(Self.notifyChange, logger: logger)
            }
        }
    }

    /// Runs `body` within the store's call deadline, when it has one.
    func withCallDeadline<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let callDeadline else { return try await body() }
        return try await withDeadline(callDeadline, doing: operation, body)
    }
}
