import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A long database outage under a stream of reads, and a database shut down under a batch, on a
/// PostgreSQL server of the test's own: the API answers 503 with `Retry-After` for as long as the
/// database is away (never 500), the failed run's end is recorded once the database is back, and
/// the host serves and runs again within seconds of it, however long the outage was.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set"), .serialized) struct DatabaseOutageTests {
    static let outage: Duration = .seconds(90)

    /// Status and `Retry-After` of a GET (0 when no answer came within 10 s).
    static func probe(_ url: String) async -> (status: Int, retryAfter: String?) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 10
        guard let (_, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else {
            return (0, nil)
        }
        return (http.statusCode, http.value(forHTTPHeaderField: "Retry-After"))
    }

    @Test func aLongOutageIsAnswered503AndTheHostRecoversWithinSeconds() async throws {
        let database = try await PrivatePostgres.start()
        defer { database.stop() }
        let directory = try DatabaseFaultTests.scratch(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        try PipelineMistakesCLITests.oneRow.write(to: directory.appendingPathComponent("small.csv"), atomically: true, encoding: .utf8)
        try """
        store: {type: postgres, url: "${DATABASE_URL}"}
        server: {trigger_token: "${TOKEN}"}
        pipelines:
          - {name: big, source: {type: csv, path: big.csv}, batch_size: 1000, checks: {max_quarantined: 100%}}
          - {name: small, source: {type: csv, path: small.csv}}
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let host = try await LiveHost.start(
            file: "p.yaml", in: directory, environment: ["DATABASE_URL": database.url, "TOKEN": "t0ken-t0ken", "LOG_LEVEL": "error"])
        defer { if host.started.process.isRunning { kill(host.started.process.processIdentifier, SIGKILL) } }
        #expect(
            try await eventually(30) {
                try await database.scalar("SELECT coalesce(sum(processed), 0) FROM etl_runs WHERE pipeline = 'big'") != "0"
            })

        // The database goes away in the middle of big's run, for longer than the pool's circuit breaker waits.
        try await database.halt()
        var answers: [Int: Int] = [:]
        var missingRetryAfter = 0
        let end = ContinuousClock.now + Self.outage
        while ContinuousClock.now < end {
            for path in ["/data?limit=5", "/data/BTC", "/stats", "/health", "/runs"] {
                let answer = await Self.probe(host.base + path)
                answers[answer.status, default: 0] += 1
                if answer.status == 503, answer.retryAfter == nil { missingRetryAfter += 1 }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(Set(answers.keys).isSubset(of: [200, 503]), "answers by status: \(answers)")
        #expect((answers[503] ?? 0) > 100, "answers by status: \(answers)")
        #expect(missingRetryAfter == 0)

        try await database.resume()
        let back = ContinuousClock.now
        #expect(try await eventually(5) { await Self.probe(host.base + "/health").status == 200 }, "health not 200 within 5 s")
        // The run that failed when the database went away is on record, without a restart of the host.
        #expect(
            try await eventually(5) { try await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'running'") == "0" },
            "the failed run is still recorded as running")
        #expect(try await database.scalar("SELECT status FROM etl_runs WHERE pipeline = 'big' ORDER BY id LIMIT 1") == "failed")
        let triggered = try await host.request("/trigger-etl?pipeline=small", method: "POST", headers: ["X-Scheduler-Token": "t0ken-t0ken"])
        #expect(triggered.0 == 202, "\(triggered.1)")
        #expect(
            try await eventually(5) {
                try await database.scalar("SELECT count(*) FROM etl_runs WHERE pipeline = 'small' AND status = 'success'") == "2"
            }, "the triggered run did not succeed")
        #expect(ContinuousClock.now - back < .seconds(10))
        if Test.current.map({ _ in true }) == true, ContinuousClock.now - back >= .seconds(10) {
            kill(host.started.process.processIdentifier, SIGTERM)
            let log = String(decoding: host.started.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let runs = try await database.scalar(
                "SELECT string_agg(id || ' ' || pipeline || ' ' || status || ' ' || coalesce(message, ''), E'\\n' ORDER BY id) FROM etl_runs")
            Issue.record("runs:\n\(runs)\nhost log: \(log.suffix(6000))")
        }
    }

    @Test func aFastShutdownDuringABatchIsNoticedAtOnce() async throws {
        let database = try await PrivatePostgres.start()
        defer { database.stop() }
        let directory = try DatabaseFaultTests.scratch(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = try HostProcess.start(
            ["run", "p.yaml", "--once"], in: directory, environment: ["DATABASE_URL": database.url, "LOG_LEVEL": "error"])
        try await DatabaseFaultTests.waitForProgress(database)
        try await database.shutdown()
        let (status, seconds) = try await DatabaseFaultTests.exit(of: started.process, within: 30)
        let stdout = String(decoding: started.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if status != 1 {
            let stderr = String(decoding: started.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            Issue.record("exit \(status) (\(started.process.terminationReason == .uncaughtSignal ? "signal" : "status")): \(stderr.suffix(4000))")
        }
        #expect(status == 1, "exit \(status) after \(seconds) s: \(stdout)")
        #expect(seconds <= 2, "exit after \(seconds) s: \(stdout)")
        #expect(stdout.contains("big       failed"), "\(stdout)")
        try await database.resume()
        try await DatabaseFaultTests.rerunCompletes(directory, database)
    }
}
