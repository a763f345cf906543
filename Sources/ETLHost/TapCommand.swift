import ArgumentParser
import AsyncHTTPClient
import ETLFramework
import Foundation
import HostSupport
import NIOCore

/// `host tap FILE --pipeline NAME`: attaches to the running host serving FILE and prints the records
/// leaving one point of a pipeline as they pass, one JSON object per line.
struct TapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tap",
        abstract: "Print the records leaving a step of a running pipeline, as JSON lines.",
        discussion: """
            Attaches to the host serving FILE (its server.host and server.port, or --url) through \
            GET /pipelines/NAME/tap, with the trigger token (server.trigger_token or SCHEDULER_TOKEN). \
            Prints each record leaving the step ("event": "record"), each record it rejected with the \
            reason ("event": "rejected"), the start and end of runs ("event": "run"), and how many \
            records were missed while this reader was behind ("event": "missed"). The pipeline is \
            never slowed: a reader that falls behind misses records and is told how many.
            """)

    @OptionGroup var options: PipelineFileOptions

    @Option(help: "The pipeline to watch.")
    var pipeline: String

    @Option(help: "The point to watch: source, a step's name or its index (0 is the source); default the normalizer's output.")
    var step: String?

    @Option(help: "Stop after this many records (and rejections).")
    var limit: Int?

    @Flag(help: "Print only the records the step rejected.")
    var rejected = false

    @Option(help: "How many records the host buffers for this tap before it counts them as missed.")
    var buffer: Int?

    @Option(help: "The host's address (default: from the pipeline file).")
    var url: String?

    func run() async throws {
        let (loaded, _) = try options.load()
        guard let pipelineSpec = loaded.pipelines.first(where: { $0.name == pipeline }) else {
            throw ValidationError("unknown pipeline \(pipeline); the file has " + loaded.pipelines.map(\.name).joined(separator: ", "))
        }
        if let step, pipelineSpec.tapPoint(step) == nil {
            throw ValidationError("\(pipeline) has no step \(step); its points are \(pipelineSpec.tapPointList)")
        }
        guard let token = loaded.server.triggerToken else {
            throw ValidationError("the file sets no server.trigger_token (nor SCHEDULER_TOKEN): the host refuses taps without it")
        }
        let address = url ?? Self.address(host: loaded.server.host, port: loaded.server.port)
        var query = [URLQueryItem]()
        if let step { query.append(URLQueryItem(name: "step", value: step)) }
        if let limit { query.append(URLQueryItem(name: "limit", value: String(limit))) }
        if rejected { query.append(URLQueryItem(name: "rejected", value: "true")) }
        if let buffer { query.append(URLQueryItem(name: "buffer", value: String(buffer))) }
        var components = URLComponents(string: address.hasSuffix("/") ? String(address.dropLast()) : address)
        components?.path += "/pipelines/\(pipeline.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? pipeline)/tap"
        components?.queryItems = query.isEmpty ? nil : query
        guard let target = components?.string else { throw ValidationError("--url \(address) is not a URL") }

        var request = HTTPClientRequest(url: target)
        request.headers.add(name: "X-Scheduler-Token", value: token)
        request.headers.add(name: "Accept", value: "text/event-stream")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await stream(request, client: client, address: address)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func stream(_ request: HTTPClientRequest, client: HTTPClient, address: String) async throws {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .hours(24 * 365))
        } catch {
            FileHandle.standardError.write(Data("error: cannot reach the host at \(address): \(error)\n".utf8))
            throw ExitCode(1)
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            let message = (try? RawJSON.parse(Array(body.utf8)))?.value(at: "error.message")?.scalarText ?? body
            FileHandle.standardError.write(Data("error: \(response.status.code): \(message)\n".utf8))
            throw ExitCode(1)
        }
        var parser = ServerSentEvents()
        for try await chunk in response.body {
            var lines = ""
            for event in parser.feed(chunk) { Self.print(event, into: &lines) }
            if !lines.isEmpty { FileHandle.standardOutput.write(Data(lines.utf8)) }
        }
    }

    /// Adds one event's data line to `lines` (for stdout); the greeting and missed records go to
    /// stderr.
    static func print(_ event: ServerSentEvents.Event, into lines: inout String) {
        switch event.name {
        case "tap":
            let json = try? RawJSON.parse(Array(event.data.utf8))
            let step = json?.value(at: "step")?.scalarText ?? "?"
            FileHandle.standardError.write(Data("tapping \(json?.value(at: "pipeline")?.scalarText ?? "?") at \(step)\n".utf8))
            return
        case "missed":
            let count = (try? RawJSON.parse(Array(event.data.utf8)))?.value(at: "missed")?.scalarText ?? "?"
            FileHandle.standardError.write(Data("missed \(count) records: this reader fell behind\n".utf8))
        default:
            break
        }
        lines += event.data + "\n"
    }

    /// The address a local client reaches a host listening on `host` at: a wildcard is loopback.
    static func address(host: String, port: Int) -> String {
        let reachable = ["0.0.0.0", "::", "[::]", ""].contains(host) ? "127.0.0.1" : host
        return reachable.contains(":") && !reachable.hasPrefix("[") ? "http://[\(reachable)]:\(port)" : "http://\(reachable):\(port)"
    }
}

/// Reads a Server-Sent Events stream: `event:` and `data:` lines, an event per blank line.
struct ServerSentEvents {
    struct Event {
        var name: String
        var data: String
    }

    private var pending: [UInt8] = []
    private var name = "message"
    private var data: [String] = []

    /// The events completed by `chunk`.
    mutating func feed(_ chunk: ByteBuffer) -> [Event] {
        pending += chunk.readableBytesView
        var events: [Event] = []
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: pending[start..<newline], as: UTF8.self)
            start = newline + 1
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { events.append(Event(name: name, data: data.joined(separator: "\n"))) }
                name = "message"
                data = []
            } else if line.hasPrefix(":") {
                continue
            } else if line.hasPrefix("event:") {
                name = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("data:") {
                let value = line.dropFirst(5)
                data.append(String(value.hasPrefix(" ") ? value.dropFirst() : value))
            }
        }
        pending.removeSubrange(..<start)
        return events
    }
}
