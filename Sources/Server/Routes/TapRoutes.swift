import ETLFramework
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /pipelines/{name}/tap`: the records leaving one point of a running pipeline, as
/// Server-Sent Events, guarded by `X-Scheduler-Token`.
extension API {
    var tapRoutes: [Endpoint] {
        [
            Endpoint(
                method: .get, path: "/pipelines/{name}/tap",
                summary: "Records leaving a step of a pipeline as they pass (Server-Sent Events; X-Scheduler-Token)", handler: tap)
        ]
    }

    /// How often an idle tap is sent a comment, so that proxies and the client see it alive.
    static let tapHeartbeat: Duration = .seconds(10)

    func tap(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["step", "limit", "rejected", "buffer"])
        try requireToken(request, for: "tapping a pipeline over HTTP")
        let name = try context.pathParameter("name")
        guard let pipeline = controller.pipelines.first(where: { $0.name == name }) else {
            throw APIError.notFound("no pipeline is named \(name); configured: \(pipelineNames.joined(separator: ", "))")
        }
        guard let taps = controller.runner.taps else {
            throw APIError(status: .serviceUnavailable, code: "tap_unavailable", message: "this host does not offer taps")
        }
        let points = pipeline.tapPoints
        let index =
            try parameters.text("step").map { step in
                guard let index = pipeline.tapPoint(step) else {
                    throw APIError.invalidParameter(
                        "step", "\(pipeline.name) has no step \"\(step.prefix(40))\"; its points are \(pipeline.tapPointList)")
                }
                return index
            } ?? points.count - 1
        let step = points[index]
        let limit = try parameters.integer("limit", default: 0, range: 0...Int.max)
        let capacity = try parameters.integer("buffer", default: TapHub.defaultCapacity, range: 1...100_000)
        let rejectedOnly = try parameters.flag("rejected")
        let hello = RawValue.object([
            RawField("event", .string("tap")), RawField("pipeline", .string(name)), RawField("step", .string(step)),
            RawField("index", .number(String(index))), RawField("points", .array(points.map { .string($0) })),
            RawField("rejected_only", .bool(rejectedOnly)), RawField("buffer", .number(String(capacity))),
            RawField("limit", limit == 0 ? .null : .number(String(limit))),
        ])
        let logger = self.logger
        // Attached when the body is written: a HEAD request, or a client gone before the answer,
        // attaches nothing.
        let body = ResponseBody { writer in
            let subscription = taps.attach(pipeline: name, point: index, rejectedOnly: rejectedOnly, capacity: capacity)
            logger.info("tap attached", metadata: ["pipeline": "\(name)", "step": "\(step)", "taps": "\(taps.count)"])
            defer {
                taps.detach(subscription)
                logger.info("tap detached", metadata: ["pipeline": "\(name)", "step": "\(step)"])
            }
            try await writer.write(Self.serverSentEvent("tap", hello))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while true {
                        try await Task.sleep(for: Self.tapHeartbeat)
                        subscription.ping()
                    }
                }
                var sent = 0
                // What is waiting goes out in one write.
                while limit == 0 || sent < limit, let deliveries = await subscription.next(upTo: 256) {
                    var bytes = ByteBuffer()
                    for delivery in deliveries {
                        guard limit == 0 || sent < limit else { break }
                        switch delivery {
                        case .event(let event):
                            bytes.writeImmutableBuffer(Self.serverSentEvent(event.name, event.json))
                            if case .record = event { sent += 1 }
                        case .missed(let count):
                            let notice = RawValue.object([
                                RawField("event", .string("missed")), RawField("missed", .number(String(count))),
                                RawField("reason", .string("the tap's buffer of \(capacity) records was full")),
                            ])
                            bytes.writeImmutableBuffer(Self.serverSentEvent("missed", notice))
                        case .heartbeat:
                            bytes.writeString(": alive\n\n")
                        }
                    }
                    try await writer.write(bytes)
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }

    /// One Server-Sent Event: its name and its data, one line of JSON.
    static func serverSentEvent(_ name: String, _ data: RawValue) -> ByteBuffer {
        var bytes = Array("event: \(name)\ndata: ".utf8)
        data.appendJSON(to: &bytes)
        bytes += Array("\n\n".utf8)
        return ByteBuffer(bytes: bytes)
    }

    /// Refuses a request without the trigger token (constant-time compare); 403 when the host has none.
    func requireToken(_ request: Request, for action: String) throws {
        guard let expected = settings.triggerToken else {
            throw APIError(
                status: .forbidden, code: "trigger_disabled",
                message: "\(action) is disabled: set server.trigger_token in the pipeline file "
                    + "(or the SCHEDULER_TOKEN environment variable) and send it in X-Scheduler-Token")
        }
        guard let given = request.headers[Self.tokenHeader], Self.constantTimeEqual(given, expected) else {
            throw APIError(status: .unauthorized, code: "unauthorized", message: "missing or wrong X-Scheduler-Token")
        }
    }
}
