import Foundation
import TestSupport

/// `scripts/otlp_receiver.py` on loopback: an OTLP/HTTP collector decoding with opentelemetry-proto,
/// whose spans a test reads back.
struct OTLPReceiver {
    let process: Process
    let port: Int
    let spansFile: URL
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// One exported span, as the receiver decoded it.
    struct Span {
        var json: [String: Any]
        var name: String { json["name"] as? String ?? "" }
        var traceID: String { json["trace_id"] as? String ?? "" }
        var spanID: String { json["span_id"] as? String ?? "" }
        var parentID: String? { json["parent_span_id"] as? String }
        var kind: String { json["kind"] as? String ?? "" }
        var attributes: [String: Any] { json["attributes"] as? [String: Any] ?? [:] }
        var links: [[String: Any]] { json["links"] as? [[String: Any]] ?? [] }
        var events: [[String: Any]] { json["events"] as? [[String: Any]] ?? [] }
        var resource: [String: Any] { json["resource"] as? [String: Any] ?? [:] }
        func int(_ name: String) -> Int { attributes[name] as? Int ?? 0 }
    }

    static func start(in directory: URL) async throws -> OTLPReceiver {
        let portFile = directory.appendingPathComponent("otlp.port")
        let spansFile = directory.appendingPathComponent("spans.jsonl")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.packageRoot.appendingPathComponent("scripts/otlp_receiver.py").path, portFile.path, spansFile.path]
        try process.run()
        for _ in 0..<100 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return OTLPReceiver(process: process, port: port, spansFile: spansFile)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw LiveHostFailure(message: "the OTLP receiver did not start (is opentelemetry-proto installed? pip install opentelemetry-proto)")
    }

    var spans: [Span] {
        let text = (try? String(contentsOf: spansFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.map(Span.init)
    }

    /// The spans once `done` holds for them, waiting up to 15 s (the exporter sends every second).
    func spans(until done: ([Span]) -> Bool) async throws -> [Span] {
        for _ in 0..<150 {
            let spans = self.spans
            if done(spans) { return spans }
            try await Task.sleep(for: .milliseconds(100))
        }
        return spans
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }
}
