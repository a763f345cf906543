import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Spans exported over OTLP/HTTP to a real receiver on loopback (`scripts/otlp_receiver.py`, which
/// decodes them with the opentelemetry-proto package).
@Suite(.serialized) struct TracingTests {
    /// Seven records: one `set` rejects (division by zero), one the filter leaves out (divisor 7).
    static let rows =
        TapTests.header + """
            AAA,Alpha,1.5,100,10,1,2025-01-01T00:00:00Z,1
            BBB,Beta,2.5,200,20,2,2025-01-01T00:00:00Z,1
            ZERO,Zero,3,300,30,3,2025-01-01T00:00:00Z,0
            CCC,Gamma,4,400,40,4,2025-01-01T00:00:00Z,2
            SKIP,Skipped,5,500,50,5,2025-01-01T00:00:00Z,7
            DDD,Delta,6,600,60,6,2025-01-01T00:00:00Z,3
            EEE,Epsilon,7,700,70,7,2025-01-01T00:00:00Z,1

            """
    static let pipelines = TapTests.pipelines(batchSize: 3)

    @Test func aOnceRunOfATwoStepChainIsOneTraceOfBatchesStepsAndWrites() async throws {
        let directory = try PipelineMistakesCLITests.scratch(["rows.csv": Self.rows, "p.yaml": Self.pipelines])
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await OTLPReceiver.start(in: directory)
        defer { receiver.stop() }
        let output = try await HostProcess.run(
            ["run", "p.yaml", "--once"], in: directory,
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_SERVICE_NAME": "trace-test"])
        #expect(output.status == 0, "\(output.stderr)")
        // `--once` sends every span before it exits.
        let spans = receiver.spans
        let runs = spans.filter { $0.name == "run csv" }
        try #require(runs.count == 1, "spans: \(spans.map(\.name))")
        let run = runs[0]
        #expect(run.parentID == nil)
        #expect(run.attributes["etl.status"] as? String == "success")
        #expect(run.attributes["etl.trigger"] as? String == "cli")
        #expect(run.int("etl.processed") == 5)
        #expect(run.int("etl.quarantined") == 1)
        #expect(run.int("etl.filtered") == 1)
        #expect(run.resource["service.name"] as? String == "trace-test")
        #expect(spans.allSatisfy { $0.traceID == run.traceID }, "one trace: \(Set(spans.map(\.traceID)))")

        let batches = spans.filter { $0.name == "batch" && $0.parentID == run.spanID }.sorted { $0.int("etl.batch") < $1.int("etl.batch") }
        #expect(batches.map { $0.int("etl.batch") } == [1, 2, 3])
        #expect(batches.map { $0.int("etl.records") } == [3, 3, 1])
        for batch in batches {
            let children = spans.filter { $0.parentID == batch.spanID }
            #expect(
                Set(children.map(\.name)) == ["read", "transform set", "transform filter", "transform normalize", "writing a batch"],
                "batch \(batch.int("etl.batch")): \(children.map(\.name))")
            #expect(children.first { $0.name == "writing a batch" }?.kind == "client")
        }
        let steps = { (name: String) in spans.filter { $0.name == name } }
        #expect(steps("transform set").map { $0.int("etl.rows_in") }.reduce(0, +) == 7)
        #expect(steps("transform set").map { $0.int("etl.rejected") }.reduce(0, +) == 1)
        #expect(steps("transform filter").map { $0.int("etl.rows_in") }.reduce(0, +) == 6)
        #expect(steps("transform filter").map { $0.int("etl.filtered") }.reduce(0, +) == 1)
        #expect(steps("transform normalize").map { $0.int("etl.rows_out") }.reduce(0, +) == 5)
        #expect(steps("transform set").allSatisfy { $0.int("etl.step.index") == 1 })
        // The run's own database calls are its children too.
        #expect(spans.contains { $0.name == "recording the start of a run" && $0.parentID == run.spanID })

        // Log lines written in the run carry its trace and span.
        let started = output.stderr.split(separator: "\n").first { $0.contains("\"message\":\"run started\"") }
        #expect(started?.contains("\"trace_id\":\"\(run.traceID)\"") == true, "\(started ?? "no run started line")")
        #expect(started?.contains("\"span_id\":\"\(run.spanID)\"") == true)
    }

    @Test func aRequestsTraceparentIsHonouredAndATriggeredRunLinksToItsRequest() async throws {
        let directory = try PipelineMistakesCLITests.scratch(["rows.csv": Self.rows, "p.yaml": Self.pipelines])
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await OTLPReceiver.start(in: directory)
        defer { receiver.stop() }
        let host = try await LiveHost.start(
            file: "p.yaml", in: directory,
            environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": receiver.endpoint + "/v1/traces", "SCHEDULER_TOKEN": "trace-token"])
        let healthTrace = "0af7651916cd43dd8448eb211c80319c", triggerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
        let (status, _) = try await host.request("/health", headers: ["traceparent": "00-\(healthTrace)-b7ad6b7169203331-01"])
        #expect(status == 200)
        let (triggered, body) = try await host.request(
            "/trigger-etl?pipeline=csv", method: "POST",
            headers: ["traceparent": "00-\(triggerTrace)-00f067aa0ba902b7-01", "X-Scheduler-Token": "trace-token"])
        #expect(triggered == 202, "\(body)")
        let spans = try await receiver.spans { spans in spans.contains { $0.name == "run csv" } }
        #expect(try await host.terminate() == 0)

        let health = spans.first { $0.traceID == healthTrace && $0.kind == "server" }
        #expect(health?.parentID == "b7ad6b7169203331", "spans: \(spans.map { ($0.name, $0.traceID) })")
        #expect(health?.int("http.response.status_code") == 200)
        let trigger = spans.first { $0.traceID == triggerTrace && $0.kind == "server" }
        #expect(trigger?.parentID == "00f067aa0ba902b7")
        #expect(trigger?.int("http.response.status_code") == 202)
        let run = spans.first { $0.name == "run csv" }
        #expect(run?.attributes["etl.trigger"] as? String == "api")
        #expect(run?.traceID != triggerTrace, "the run is a trace of its own")
        #expect(run?.links.first?["trace_id"] as? String == triggerTrace)
        #expect(run?.links.first?["span_id"] as? String == trigger?.spanID)
        // The request's access log line carries its trace and span.
        let logs = String(decoding: host.started.stderr.fileHandleForReading.availableData, as: UTF8.self)
        // (The start-up probes of /health before it have no traceparent: traces of their own.)
        let access = logs.split(separator: "\n").first { $0.contains("\"trace_id\":\"\(healthTrace)\"") }
        #expect(access?.contains("\"path\":\"/health\"") == true, "\(access ?? "no log line in the trace of /health")")
        #expect(access?.contains("\"span_id\":\"\(health?.spanID ?? "-")\"") == true)
    }

    @Test func aCollectorThatIsDownCostsTheSpansNotTheRun() async throws {
        let directory = try PipelineMistakesCLITests.scratch(["rows.csv": Self.rows, "p.yaml": Self.pipelines])
        defer { try? FileManager.default.removeItem(at: directory) }
        let closed = try LiveHost.freePort()
        let host = try await LiveHost.start(
            file: "p.yaml", in: directory,
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(closed)", "SCHEDULER_TOKEN": "trace-token"])
        let (triggered, _) = try await host.request("/trigger-etl", method: "POST", headers: ["X-Scheduler-Token": "trace-token"])
        #expect(triggered == 202)
        var metrics = ""
        for _ in 0..<100 {
            let (data, _) = try await URLSession.shared.data(from: URL(string: host.base + "/metrics")!)
            metrics = String(decoding: data, as: UTF8.self)
            if metrics.contains("etl_trace_spans_dropped_total{reason=\"export_failed\"}") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let (_, runs) = try await host.request("/runs?pipeline=csv")
        #expect(((runs["data"] as? [[String: Any]])?.first?["status"] as? String) == "success")
        let dropped = metrics.split(separator: "\n").first { $0.hasPrefix("etl_trace_spans_dropped_total{reason=\"export_failed\"}") }
        #expect((dropped?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 0, "\(metrics.suffix(3000))")
        #expect(try await host.terminate() == 0)
        let errors = String(decoding: host.started.stderr.fileHandleForReading.availableData, as: UTF8.self)
        #expect(errors.contains("spans not exported; dropped"))
        #expect(errors.contains("connection refused"))
    }

    /// Answers 503 once, then a recorded CoinPaprika answer; notes each request's `traceparent`.
    static let flakyAPI = """
        import http.server, os, sys
        body = open(sys.argv[2], "rb").read()
        seen = []
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(1)
                with open(sys.argv[3], "a") as out:
                    out.write((self.headers.get("traceparent") or "-") + "\\n")
                if len(seen) == 1:
                    self.send_response(503)
                    self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        open(sys.argv[1] + ".tmp", "w").write(str(server.server_address[1]))
        os.replace(sys.argv[1] + ".tmp", sys.argv[1])
        server.serve_forever()
        """

    @Test func anAPISourcesRequestIsOneSpanWithItsRetryAndCarriesTheTrace() async throws {
        let directory = try PipelineMistakesCLITests.scratch(["api.py": Self.flakyAPI])
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await OTLPReceiver.start(in: directory)
        defer { receiver.stop() }
        let fixture = Paths.packageRoot.appendingPathComponent("Tests/Fixtures/coinpaprika-tickers-chainlink-readme-2021-10-22.json")
        let api = Process()
        api.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        api.arguments = [
            "python3", directory.appendingPathComponent("api.py").path, directory.appendingPathComponent("api.port").path, fixture.path,
            directory.appendingPathComponent("traceparents").path,
        ]
        try api.run()
        defer { kill(api.processIdentifier, SIGKILL) }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            port = (try? String(contentsOf: directory.appendingPathComponent("api.port"), encoding: .utf8)) ?? ""
            try await Task.sleep(for: .milliseconds(50))
        }
        try """
        store: {type: sqlite, path: etl.sqlite}
        pipelines:
          - {name: paprika, source: {type: coinpaprika, base_url: "http://127.0.0.1:\(port)/${PAPRIKA_PATH_TOKEN}"}}
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        // A secret in the source's address (read from a secret-looking variable) never reaches the collector.
        let secret = "path-secret-8c1f0e"
        let output = try await HostProcess.run(
            ["run", "p.yaml", "--once"], in: directory,
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "PAPRIKA_PATH_TOKEN": secret])
        #expect(output.status == 0, "\(output.stderr)")
        let spans = receiver.spans
        let run = try #require(spans.first { $0.name == "run paprika" })
        let request = try #require(spans.first { $0.name == "GET 127.0.0.1" }, "spans: \(spans.map(\.name))")
        #expect(request.kind == "client")
        #expect(request.traceID == run.traceID)
        // The API source fetches when it is opened.
        #expect(spans.first { $0.spanID == request.parentID }?.name == "open source")
        #expect(request.int("etl.http.attempts") == 2)
        #expect(request.int("http.response.status_code") == 200)
        let retries = request.events.filter { $0["name"] as? String == "retry" }
        #expect(retries.count == 1)
        #expect(((retries.first?["attributes"] as? [String: Any])?["etl.http.reason"] as? String)?.hasPrefix("503") == true)
        // Each attempt is a span of its own (AsyncHTTPClient's), and its request carried it.
        let attempts = spans.filter { $0.parentID == request.spanID }
        #expect(attempts.count == 2)
        let sent = try String(contentsOf: directory.appendingPathComponent("traceparents"), encoding: .utf8).split(separator: "\n")
        #expect(sent.count == 2)
        #expect(Set(sent) == Set(attempts.map { "00-\(run.traceID)-\($0.spanID)-01" }), "\(sent) \(attempts.map(\.spanID))")
        let exported = try String(contentsOf: receiver.spansFile, encoding: .utf8)
        #expect(!exported.contains(secret))
        #expect((attempts.first?.attributes["url.full"] as? String)?.contains("<redacted>") == true, "\(attempts.first?.attributes ?? [:])")
    }

    @Test func aStoppedRunEndsTheSpansOfTheBatchesItDidNotWrite() async throws {
        let directory = try OnceSignalTests.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await OTLPReceiver.start(in: directory)
        defer { receiver.stop() }
        let started = try HostProcess.start(
            ["run", "p.yaml", "--once"], in: directory,
            environment: ["LOG_LEVEL": "critical", "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint])
        try await Task.sleep(for: .seconds(3))
        #expect(started.process.isRunning, "the load ended before the signal; the test needs a larger file")
        kill(started.process.processIdentifier, SIGINT)
        let (status, _) = try await DatabaseFaultTests.exit(of: started.process, within: 20)
        #expect(status == 130)
        let spans = receiver.spans
        let run = try #require(spans.first { $0.name == "run big" })
        #expect(run.attributes["etl.status"] as? String == "interrupted")
        let batches = spans.filter { $0.name == "batch" && $0.parentID == run.spanID }
        let unwritten = batches.filter { batch in batch.events.contains { $0["name"] as? String == "not written: the run ended first" } }
        // Up to two batches are read ahead of the one being written, and a third may be being read;
        // the stop leaves them unwritten.
        #expect((1...3).contains(unwritten.count), "\(batches.count) batches, \(unwritten.count) unwritten")
        #expect(unwritten.allSatisfy { $0.int("etl.processed") == 0 && $0.json["end"] as? Int ?? 0 > 0 })
        let written = batches.filter { $0.int("etl.processed") + $0.int("etl.quarantined") > 0 }
        #expect(written.count + unwritten.count == batches.count)
        #expect(written.map { $0.int("etl.processed") }.reduce(0, +) == run.int("etl.processed"))
    }
}
