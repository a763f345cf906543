import ETLFramework
import HostSupport
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /trigger-etl`: starts runs now, guarded by `X-Scheduler-Token`.
extension API {
    var runControlRoutes: [Endpoint] {
        [Endpoint(method: .post, path: "/trigger-etl", summary: "Start runs now (X-Scheduler-Token); ?pipeline=NAME for one", handler: trigger)]
    }

    static let tokenHeader = HTTPField.Name("X-Scheduler-Token")!

    func trigger(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["pipeline"])
        try requireToken(request, for: "triggering over HTTP")
        // A database that does not answer is a 503 at once, not a run that hangs or a 409 for one.
        if case .unreachable = await health.check(fresh: true) {
            throw APIError.databaseUnavailable
        }
        let names: [String]
        if let name = try parameters.text("pipeline") {
            guard pipelineNames.contains(name) else {
                throw APIError.notFound("no pipeline is named \(name); configured: \(pipelineNames.joined(separator: ", "))")
            }
            names = [name]
        } else {
            names = pipelineNames
        }
        var started: [RawValue] = []
        var busy: [RawValue] = []
        var lastBusy: PipelineBusy?
        for name in names {
            do {
                let id = try await controller.trigger(name, by: .api)
                started.append(JSON.object([("pipeline", .string(name)), ("run_id", JSON.integer(id.rawValue))]))
            } catch let error as PipelineBusy {
                lastBusy = error
                busy.append(
                    JSON.object([
                        ("pipeline", .string(name)), ("reason", .string("already running")),
                        ("running_run_id", JSON.integer(error.runningRun?.rawValue)),
                    ]))
            } catch is ShuttingDown {
                throw APIError(status: .serviceUnavailable, code: "shutting_down", message: "the host is shutting down")
            } catch {
                // Everything else a start can meet is the database: unreachable, stalled or failing.
                logger.warning(
                    "trigger refused: the database does not answer",
                    metadata: [
                        "pipeline": "\(name)", "error": "\(RunFailure.message(for: error))",
                    ])
                throw APIError.databaseUnavailable
            }
        }
        if started.isEmpty, let lastBusy {
            var error = APIError(status: .conflict, code: "already_running", message: lastBusy.description)
            error.details = [RawField("run_id", JSON.integer(lastBusy.runningRun?.rawValue))]
            if names.count > 1 { error.details.append(RawField("pipelines", .array(busy))) }
            throw error
        }
        return JSON.response(
            JSON.object([
                ("status", .string("triggered")), ("timestamp", JSON.time(Date())), ("runs", .array(started)),
                ("skipped", .array(busy)), ("request_id", .string(context.requestID)),
            ]), status: .accepted)
    }

    /// Compares in time that depends only on the lengths, never on where the texts differ.
    static func constantTimeEqual(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
