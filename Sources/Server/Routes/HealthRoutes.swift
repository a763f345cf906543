import ETLFramework
import HostSupport
import Foundation
import Hummingbird

/// Health and statistics: `GET /health` and `GET /stats`.
extension API {
    var healthRoutes: [Endpoint] {
        [
            Endpoint(method: .get, path: "/health", summary: "Database and last-run status", handler: healthCheck),
            Endpoint(method: .get, path: "/health/live", summary: "Whether the process answers (liveness)", handler: liveness),
            Endpoint(method: .get, path: "/health/ready", summary: "Whether reads can be served now (readiness)", handler: readiness),
            Endpoint(method: .get, path: "/stats", summary: "Run statistics per pipeline", handler: stats),
        ]
    }

    func healthCheck(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let started = ContinuousClock.now
        let now = JSON.time(Date())
        func unavailable(_ reason: String) -> Response {
            JSON.response(
                JSON.object([
                    ("status", .string("unavailable")), ("database", .string("disconnected")),
                    ("reasons", .array([.string("database: \(reason)")])), ("last_etl_run", .null), ("last_etl", .null),
                    ("last_etl_status", .null), ("timestamp", now), ("request_id", .string(context.requestID)),
                ]), status: .serviceUnavailable)
        }
        var reasons: [RawValue] = []
        if case .unreachable(let reason) = await health.check() {
            // Reads go on from a replica while the primary is away: serving, but degraded.
            guard let serving = servingReplica else { return unavailable(reason) }
            reasons.append(
                .string(
                    "database: the primary does not answer (\(reason)); reads are served by replica \(serving), "
                        + "runs and triggers wait for the primary"))
        }
        // The probe's answer may be up to a second old: the run history read keeps the same deadline.
        let left = max(.milliseconds(100), health.deadline - (ContinuousClock.now - started))
        let latest: [String: RunRecord]
        do {
            latest = try await withDeadline(left, doing: "reading the latest runs") { try await self.latestRuns() }
        } catch {
            return unavailable("no answer within \(health.deadline)")
        }
        var pipelines: [(String, RawValue)] = []
        // While a pipeline runs, its checks are those of the run before (from the statistics).
        let finished: [String: RunRecord]
        do {
            finished = try await lastFinishedRuns(latest, within: max(.milliseconds(100), health.deadline - (ContinuousClock.now - started)))
        } catch {
            return unavailable("no answer within \(health.deadline)")
        }
        let unrecorded = controller.unrecorded
        for name in pipelineNames {
            let run = latest[name]
            if let pending = unrecorded[name] {
                reasons.append(
                    .string(
                        "pipeline \(name): run \(pending.run.map { "\($0)" } ?? "?") ended but its end is not recorded yet "
                            + "(\(pending.reason)); trying again"))
            }
            if let run, run.status == .failed {
                reasons.append(.string("pipeline \(name): last run \(run.id) failed: \(run.message ?? "no message")"))
            }
            let checked = finished[name]
            if let checked, let stale = checked.checks.first(where: { $0.name == "freshness" && $0.status == .failed }) {
                reasons.append(.string("pipeline \(name): stale: \(stale.detail) (run \(checked.id))"))
            }
            pipelines.append(
                (
                    name,
                    JSON.object([
                        ("status", JSON.string(run?.status.rawValue)), ("run_id", JSON.integer(run?.id.rawValue)),
                        ("finished_at", JSON.time(run?.finishedAt)),
                        ("checks_failed", .array((checked?.checks.failed ?? []).map { .string($0.name) })),
                    ])
                ))
        }
        // A replica that is skipped leaves reads on the others or the primary: served, but degraded.
        let replicas = store.replicas()
        for replica in replicas where replica.state != .ok { reasons.append(.string(replica.reason ?? "replica \(replica.name) is skipped")) }
        let lastFinished = latest.values.filter { $0.finishedAt != nil }.max { $0.finishedAt! < $1.finishedAt! }
        let lastRun: RawValue =
            lastFinished.map { run in
                JSON.object([
                    ("id", JSON.integer(run.id.rawValue)), ("pipeline", .string(run.pipeline)), ("source", .string(run.pipeline)),
                    ("status", .string(run.status.rawValue)), ("started_at", JSON.time(run.startedAt)),
                    ("finished_at", JSON.time(run.finishedAt)), ("processed", JSON.integer(run.counters.processed)),
                    ("failed", JSON.integer(run.counters.quarantined)), ("quarantined", JSON.integer(run.counters.quarantined)),
                    ("skipped", JSON.integer(run.counters.skipped)), ("filtered", JSON.integer(run.counters.filtered)),
                ])
            } ?? .null
        return JSON.response(
            JSON.object([
                ("status", .string(reasons.isEmpty ? "ok" : "degraded")), ("database", .string("connected")),
                ("reasons", .array(reasons)), ("last_etl_run", lastRun), ("last_etl", JSON.time(lastFinished?.finishedAt)),
                ("last_etl_status", JSON.string(lastFinished?.status.rawValue)), ("pipelines", JSON.object(pipelines)),
                (
                    "replicas",
                    .array(
                        replicas.map { replica in
                            JSON.object([
                                ("name", .string(replica.name)), ("state", .string(replica.state.rawValue)),
                                ("lag_seconds", JSON.double(replica.lagSeconds)), ("reads", JSON.integer(replica.reads)),
                                ("reason", JSON.string(replica.reason)),
                            ])
                        })
                ),
                ("timestamp", now), ("request_id", .string(context.requestID)),
            ]))
    }

    /// A replica that serves reads now, by name.
    var servingReplica: String? {
        store.replicas().first { $0.state == .ok }?.name
    }

    /// `GET /health/live`: the process answers; nothing else is asked (a probe that restarts hosts).
    func liveness(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return JSON.response(
            JSON.object([("status", .string("ok")), ("timestamp", JSON.time(Date())), ("request_id", .string(context.requestID))]))
    }

    /// `GET /health/ready`: reads can be served now, by the primary or a replica (a probe that
    /// takes hosts in and out of a balancer); 503 otherwise.
    func readiness(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        var fields: [(String, RawValue)]
        var status = HTTPResponse.Status.ok
        switch await health.check() {
        case .connected:
            fields = [("status", .string("ready")), ("reads", .string("primary"))]
        case .unreachable(let reason):
            if let replica = servingReplica {
                fields = [("status", .string("ready")), ("reads", .string("replica \(replica)"))]
            } else {
                fields = [("status", .string("unavailable")), ("reason", .string("database: \(reason)"))]
                status = .serviceUnavailable
            }
        }
        fields += [("timestamp", JSON.time(Date())), ("request_id", .string(context.requestID))]
        return JSON.response(JSON.object(fields), status: status)
    }

    /// The newest finished run of each pipeline: the latest run, or, while one runs, the newest of
    /// its last success and last failure.
    func lastFinishedRuns(_ latest: [String: RunRecord], within deadline: Duration) async throws -> [String: RunRecord] {
        var finished = latest.filter { $0.value.status != .running }
        guard finished.count < latest.count else { return finished }
        let statistics = try await withDeadline(deadline, doing: "reading the run statistics") { try await self.cachedStatistics() }
        for stats in statistics.pipelines where latest[stats.pipeline]?.status == .running {
            finished[stats.pipeline] = [stats.lastSuccess, stats.lastFailure].compactMap { $0 }.max { $0.id.rawValue < $1.id.rawValue }
        }
        return finished
    }

    /// Run statistics, cached until the run history changes; shared by /stats and /metrics.
    func cachedStatistics() async throws -> StoreStatistics {
        let store = self.store, logger = self.logger
        return try await cache.value(for: "statistics") { try await fromDatabase { try await store.statistics(logger: logger) } }
    }

    /// The newest run of each pipeline, cached until the run history changes.
    func latestRuns() async throws -> [String: RunRecord] {
        let store = self.store, logger = self.logger
        return try await cache.value(for: "latest-runs") { try await fromDatabase { try await store.latestRuns(logger: logger) } }
    }

    func stats(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let configured = pipelineNames
        let statistics = try await cachedStatistics()
        let cached = try await cache.value(for: "stats") { () -> CachedAnswer in
            var fields: [(String, RawValue)] = []
            var byName = Dictionary(uniqueKeysWithValues: statistics.pipelines.map { ($0.pipeline, $0) })
            for name in configured where byName[name] == nil {
                byName[name] = PipelineStatistics(
                    pipeline: name, totalRuns: 0, failedRuns: 0, totalProcessed: 0, totalQuarantined: 0, totalSkipped: 0,
                    totalFiltered: 0,
                    lastRun: nil, lastSuccess: nil, lastFailure: nil)
            }
            for name in byName.keys.sorted() {
                let stats = byName[name]!
                fields.append(
                    (
                        name,
                        JSON.object([
                            ("last_success", JSON.time(stats.lastSuccess?.finishedAt)),
                            ("last_failure", JSON.time(stats.lastFailure?.finishedAt)),
                            ("last_status", JSON.string(stats.lastRun?.status.rawValue)),
                            ("total_runs", JSON.integer(stats.totalRuns)), ("total_failed", JSON.integer(stats.failedRuns)),
                            ("total_processed", JSON.integer(stats.totalProcessed)),
                            ("total_quarantined", JSON.integer(stats.totalQuarantined)),
                            ("total_skipped", JSON.integer(stats.totalSkipped)),
                            ("total_filtered", JSON.integer(stats.totalFiltered)),
                        ])
                    ))
            }
            let success = statistics.pipelines.compactMap(\.lastSuccess).max { ($0.finishedAt ?? .distantPast) < ($1.finishedAt ?? .distantPast) }
            let failure = statistics.pipelines.compactMap(\.lastFailure).max { ($0.finishedAt ?? .distantPast) < ($1.finishedAt ?? .distantPast) }
            fields.append(("total_normalized", JSON.integer(statistics.totalNormalized)))
            fields.append(
                (
                    "last_success",
                    JSON.object([
                        ("source", JSON.string(success?.pipeline)), ("finished_at", JSON.time(success?.finishedAt)),
                        ("duration_ms", JSON.integer(success?.durationMS)), ("processed", JSON.integer(success?.counters.processed)),
                    ])
                ))
            fields.append(
                (
                    "last_failure",
                    JSON.object([
                        ("source", JSON.string(failure?.pipeline)), ("finished_at", JSON.time(failure?.finishedAt)),
                        ("message", JSON.string(failure?.message)),
                    ])
                ))
            return CachedAnswer(Self.members(fields))
        }
        return try answer(cached: cached, context)
    }
}
