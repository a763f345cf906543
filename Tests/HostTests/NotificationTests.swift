import CSVFileAdapter
import ETLFramework
import HostSupport
import Foundation
import Testing
import TestSupport

@testable import Server

/// `notify:` against a webhook server on loopback, on every store.
@Suite struct NotificationTests {
    static let rows = APIHarness.header + "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\n"

    func pipeline(_ name: String, in directory: URL, checks: RunChecks = RunChecks()) -> Pipeline {
        let path = directory.appendingPathComponent("\(name).csv").path
        return Pipeline(
            name: name, source: CSVSource(path: path, displayPath: "\(name).csv"),
            transforms: TransformChain(normalizer: Normalizer(mapping: CSVSource.defaultMapping)), batchSize: 100, schedule: nil,
            checks: checks)
    }

    /// Runs `body` with a runner whose notifier delivers to `url`, then lets the queue drain.
    func withNotifier(
        _ store: any Store, url: URL, retries: Int = 1, timeout: Duration = .seconds(2),
        _ body: (PipelineRunner, WebhookNotifier) async throws -> Void
    ) async throws {
        let settings = NotifySettings(
            webhook: url, headers: [("Authorization", "Bearer hook-token-1234")], timeout: timeout, retries: retries)
        let notifier = WebhookNotifier(settings: settings, redaction: Redaction(secrets: ["hook-token-1234"]))
        let runner = PipelineRunner(store: store, observer: notifier)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await notifier.run(logger: TestLog.logger) }
            try await body(runner, notifier)
            notifier.finish(drainingFor: .seconds(10))
            try await group.waitForAll()
        }
    }

    @Test(arguments: StoreKind.available)
    func theWebhookHearsOfEachFailedRunOfFailedChecksAndOfTheRecovery(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let webhook = WebhookServer()
            try await webhook.serve { url in
                // A long timeout: a slow answer on a busy machine is not retried (which could repeat an event).
                try await withNotifier(store, url: url, timeout: .seconds(30)) { runner, _ in
                    let hooked = pipeline("hooked", in: directory)
                    var ids: [RunID] = []
                    // The file is missing twice, then there: failed, failed, recovered, then nothing.
                    for attempt in 0..<4 {
                        if attempt == 2 { try Data(Self.rows.utf8).write(to: directory.appendingPathComponent("hooked.csv")) }
                        ids.append(try await runner.run(hooked, trigger: .cli, logger: TestLog.logger).runID)
                    }
                    try Data(Self.rows.utf8).write(to: directory.appendingPathComponent("thin.csv"))
                    let thin = pipeline("thin", in: directory, checks: RunChecks(minRecords: CheckLimit(10, onFail: .warn)))
                    ids.append(try await runner.run(thin, trigger: .cli, logger: TestLog.logger).runID)
                    try await Self.waitFor { webhook.deliveries.count >= 4 }
                    let events = webhook.deliveries.map { $0.body }
                    #expect(events.map { $0["event"] as? String } == ["failed", "failed", "recovered", "check_failed"])
                    #expect(events.map { $0["run_id"] as? Int } == [ids[0], ids[1], ids[2], ids[4]].map { Int($0.rawValue) })
                    #expect(events.map { $0["link"] as? String } == [ids[0], ids[1], ids[2], ids[4]].map { "/runs/\($0)" })
                    #expect(
                        events.map { $0["event_id"] as? String } == [
                            "\(ids[0])-failed", "\(ids[1])-failed", "\(ids[2])-recovered", "\(ids[4])-check_failed",
                        ])
                    #expect(webhook.deliveries.map { $0.headers["x-event-id"] } == events.map { $0["event_id"] as? String })
                    #expect(events[0]["status"] as? String == "failed" && events[0]["pipeline"] as? String == "hooked")
                    #expect((events[0]["message"] as? String)?.contains("hooked.csv") == true)
                    #expect((events[2]["previous_run"] as? [String: Any])?["status"] as? String == "failed")
                    let failedChecks = events[3]["failed_checks"] as? [[String: Any]] ?? []
                    #expect(failedChecks.map { $0["name"] as? String } == ["min_records"])
                    #expect(failedChecks.first?["detail"] as? String == "received 1 records (1 new, 0 unchanged), fewer than 10")
                    #expect(webhook.deliveries.allSatisfy { $0.headers["authorization"] == "Bearer hook-token-1234" })
                    #expect(webhook.deliveries.allSatisfy { $0.headers["content-type"] == "application/json" })
                }
            }
            #expect(webhook.deliveries.count == 4)
        }
    }

    @Test(arguments: StoreKind.available)
    func aHangingOrDeadWebhookNeverHoldsARun(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            let webhook = WebhookServer()
            webhook.hold()
            try await webhook.serve { url in
                // A long timeout: the held request stays in its first attempt however slow the runs are.
                try await withNotifier(store, url: url, timeout: .seconds(60)) { runner, _ in
                    let missing = pipeline("missing", in: directory)
                    _ = try await runner.run(missing, trigger: .cli, logger: TestLog.logger)
                    try await Self.waitFor { webhook.waiting == 1 }
                    // The webhook holds the first event unanswered; runs go on and finish regardless.
                    let second = try await runner.run(missing, trigger: .cli, logger: TestLog.logger)
                    let third = try await runner.run(missing, trigger: .cli, logger: TestLog.logger)
                    #expect(second.status == .failed && third.status == .failed)
                    #expect(webhook.waiting == 1 && webhook.deliveries.count == 1)
                    webhook.release()
                    try await Self.waitFor { webhook.deliveries.count == 3 }
                }
            }
            // Nothing listens on the port any more: each attempt is refused, the run is not touched.
            let closed = try await Self.closedPort()
            try await withNotifier(store, url: URL(string: "http://127.0.0.1:\(closed)/hook")!, retries: 2) { runner, _ in
                let report = try await runner.run(pipeline("missing", in: directory), trigger: .cli, logger: TestLog.logger)
                #expect(report.status == .failed)
            }
        }
    }

    @Test func runOnceTellsTheWebhookBeforeItExitsAndNeverLogsTheSecret() async throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let webhook = WebhookServer()
        try await webhook.serve { url in
            let file = """
                store: {url: "sqlite:db.sqlite"}
                notify:
                  webhook: \(url.absoluteString)
                  headers: {Authorization: "Bearer ${HOOK_TOKEN}"}
                  on: [failed]
                  timeout: 20s
                pipelines:
                  - {name: gone, source: {type: csv, path: gone.csv}}
                """
            try Data(file.utf8).write(to: directory.appendingPathComponent("p.yaml"))
            let run = try await HostProcess.run(
                ["run", "p.yaml", "--once"], in: directory, environment: ["HOOK_TOKEN": "tok-5f1d2c", "LOG_LEVEL": "debug"])
            #expect(run.status == 1)
            #expect(webhook.deliveries.count == 1)
            #expect(webhook.deliveries.first?.body["event"] as? String == "failed")
            #expect(webhook.deliveries.first?.headers["authorization"] == "Bearer tok-5f1d2c")
            #expect(run.stderr.contains("notification delivered"), "\(run.stderr)")
            #expect(!(run.stdout + run.stderr).contains("tok-5f1d2c"))
            #expect(!(run.stdout + run.stderr).contains("etl-secret-path"))
        }
    }

    static func waitFor(_ condition: () -> Bool) async throws {
        if !(try await eventually { condition() }) { Issue.record("the condition did not come true in 10 s") }
    }

    /// A loopback port nothing listens on (a server's, once it has stopped).
    static func closedPort() async throws -> Int {
        try await WebhookServer().serve { $0.port ?? 9 }
    }
}
