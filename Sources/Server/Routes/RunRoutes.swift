import ETLFramework
import HostSupport
import Foundation
import Hummingbird

/// The run history: `GET /runs`, `GET /runs/{id}` and `GET /runs/{id}/anomalies`.
extension API {
    var runRoutes: [Endpoint] {
        [
            Endpoint(method: .get, path: "/runs", summary: "Run history, newest first, filtered by pipeline and status", handler: runs),
            Endpoint(
                method: .get, path: "/runs/{id}", summary: "One run with its checks, its comparison and its quarantined records",
                handler: run),
            Endpoint(
                method: .get, path: "/runs/{id}/anomalies", summary: "The records of a run whose price moved beyond the limit",
                handler: anomalies),
        ]
    }

    func runs(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["pipeline", "status", "limit", "offset"])
        var context = context
        context.ignoredParameters = parameters.ignored
        var status: RunStatus?
        if let text = try parameters.text("status") {
            guard let parsed = RunStatus(rawValue: text) else {
                throw APIError.invalidParameter(
                    "status", "must be one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text.prefix(40))\"")
            }
            status = parsed
        }
        let query = RunQuery(
            pipeline: try parameters.text("pipeline"), status: status, limit: try parameters.limit(),
            offset: try parameters.offset())
        let store = self.store, logger = self.logger
        return try await pageAnswer(
            key: query.cacheKey, limit: query.limit, offset: query.offset, matchesNothing: parameters.matchesNothing, context,
            read: { try await store.runs(query, logger: logger) }, json: Self.json)
    }

    func run(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        var context = context
        context.ignoredParameters = try QueryParameters(request, allowed: []).ignored
        let number = try Self.runNumber(context)
        let found = try await fromDatabase { try await store.run(id: RunID(number), rejectionLimit: 100, logger: logger) }
        guard let detail = found else {
            throw APIError.notFound("no run \(number)")
        }
        var fields = Self.fields(detail.run)
        fields.append(
            (
                "quarantined_records",
                JSON.object([
                    ("total", JSON.integer(detail.rejectionCount)),
                    ("shown", JSON.integer(detail.rejections.count)),
                    (
                        "records",
                        .array(
                            detail.rejections.map { rejection in
                                JSON.object([
                                    ("location", .string(rejection.location.description)), ("line", JSON.integer(rejection.location.line)),
                                    ("field", JSON.string(rejection.field)), ("reason", .string(rejection.reason)), ("raw", .string(rejection.raw)),
                                ])
                            })
                    ),
                ])
            ))
        let comparison = try await fromDatabase { try await store.comparison(of: detail.run, logger: logger) }
        fields.append(("comparison", comparison.map(Self.json) ?? .null))
        return try answer(members: Self.members([("data", JSON.object(fields))]), context)
    }

    func anomalies(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["limit", "offset"])
        var context = context
        context.ignoredParameters = parameters.ignored
        let run = RunID(try Self.runNumber(context))
        let (limit, offset) = (try parameters.limit(), try parameters.offset())
        let store = self.store, logger = self.logger
        guard try await fromDatabase({ try await store.run(id: run, rejectionLimit: 0, logger: logger) }) != nil else {
            throw APIError.notFound("no run \(run)")
        }
        return try await pageAnswer(
            key: "anomalies:\(run):\(limit):\(offset)", limit: limit, offset: offset, extra: [("run_id", JSON.integer(run.rawValue))],
            context, read: { try await store.anomalies(run: run, limit: limit, offset: offset, logger: logger) },
            json: Self.json)
    }

    static func runNumber(_ context: APIRequestContext) throws -> Int64 {
        let text = try context.pathParameter("id")
        guard let number = Int64(text), number > 0 else {
            throw APIError.invalidParameter("id", "must be a positive integer, got \"\(text.prefix(40))\"")
        }
        return number
    }

    static func json(_ run: RunRecord) -> RawValue {
        JSON.object(fields(run))
    }

    static func fields(_ run: RunRecord) -> [(String, RawValue)] {
        [
            ("id", JSON.integer(run.id.rawValue)), ("pipeline", .string(run.pipeline)), ("source", .string(run.pipeline)),
            ("trigger", .string(run.trigger.rawValue)), ("status", .string(run.status.rawValue)),
            ("started_at", JSON.time(run.startedAt)), ("finished_at", JSON.time(run.finishedAt)),
            ("duration_ms", JSON.integer(run.durationMS)), ("processed", JSON.integer(run.counters.processed)),
            ("quarantined", JSON.integer(run.counters.quarantined)), ("skipped", JSON.integer(run.counters.skipped)),
            ("filtered", JSON.integer(run.counters.filtered)), ("message", JSON.string(run.message)),
            ("anomalies", JSON.integer(run.counters.anomalies)), ("checks", .array(run.checks.map(json))),
            ("checks_failed", .array(run.checks.failed.map { .string($0.name) })),
            ("compared_run", JSON.integer(run.comparedRun?.rawValue)),
        ]
    }
}
