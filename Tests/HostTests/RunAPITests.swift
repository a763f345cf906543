import ETLFramework
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ETLPostgresStore
import Testing
import TestSupport

@testable import Server
import StandardPlugins

let token: HTTPFields = [HTTPField.Name("X-Scheduler-Token")!: "test-token"]

/// On every store (SQLite needs no server; PostgreSQL when TEST_DATABASE_URL is set).
@Suite struct RunAPITests {
    @Test(arguments: StoreKind.available)
    func healthIsOkWhenTheDatabaseAnswersAndRunsSucceeded(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: [sampleFiles[0]]) { _, client in
            let health = try await client.json("/health")
            #expect(health.status == .ok)
            #expect(health.body["status"] as? String == "ok")
            #expect(health.body["database"] as? String == "connected")
            #expect(health.body["last_etl_status"] as? String == "success")
            #expect(health.body[path: "last_etl_run.pipeline"] as? String == "alpha")
            #expect(health.body[path: "last_etl_run.processed"] as? Int == 3)
            #expect(health.body[path: "pipelines.alpha.status"] as? String == "success")
            #expect(health.body["last_etl"] as? String != nil)
            #expect(health.body["timestamp"] as? String != nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func healthIsDegradedWithAReasonWhenALastRunFailed(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { harness, client in
            try FileManager.default.removeItem(at: harness.directory.appendingPathComponent("beta.csv"))
            let triggered = try await client.json("/trigger-etl?pipeline=beta", method: .post, headers: token)
            #expect(triggered.status == .accepted)
            try await waitForRuns(client, pipeline: "beta", finished: 2)
            let health = try await client.json("/health")
            #expect(health.status == .ok)
            #expect(health.body["status"] as? String == "degraded")
            let reasons = health.body["reasons"] as? [String] ?? []
            #expect(reasons.count == 1)
            #expect(reasons.first?.contains("pipeline beta: last run") == true)
            #expect(reasons.first?.contains("beta.csv: cannot open the file") == true)
        }
    }

    @Test func healthIs503WhenTheDatabaseIsUnreachable() async throws {
        let store = PostgresStore(url: try DatabaseURL(parsing: "postgres://etl:x@127.0.0.1:9/etl?sslmode=disable"), logger: TestLog.quiet)
        let controller = RunController(runner: PipelineRunner(store: store), pipelines: [], logger: TestLog.quiet)
        let api = API(
            store: store, controller: controller, settings: ServerSettings(host: "127.0.0.1", port: 0, triggerToken: nil),
            logger: TestLog.quiet, databaseDeadline: .seconds(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            try await Application(router: api.router()).test(.router) { client in
                let health = try await client.json("/health")
                #expect(health.status == .serviceUnavailable)
                #expect(health.body["status"] as? String == "unavailable")
                #expect(health.body["database"] as? String == "disconnected")
                let data = try await client.json("/data")
                #expect(data.status == .serviceUnavailable)
                #expect(data.body[path: "error.code"] as? String == "database_unavailable")
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func internalErrorsAre500WithTheRequestIDAndNoDetail(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: [sampleFiles[0]]) { harness, client in
            try await StoreSabotage.dropTable("source_assets", in: harness.store)
            let answer = try await client.json("/data/BTC/history")
            #expect(answer.status == .internalServerError)
            #expect(answer.body[path: "error.code"] as? String == "internal")
            #expect(answer.body[path: "error.message"] as? String == "internal error")
            #expect(answer.body[path: "error.request_id"] as? String == answer.headers[HTTPField.Name("X-Request-Id")!])
            let text = "\(answer.body)"
            #expect(!text.contains("source_assets") && !text.contains("SQL"))
        }
    }

    @Test(arguments: StoreKind.available)
    func statsHaveThePerPipelineAndOverallShapes(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let stats = try await client.json("/stats")
            #expect(stats.status == .ok)
            #expect(stats.body["total_normalized"] as? Int == 4)
            #expect(stats.body[path: "alpha.total_runs"] as? Int == 1)
            #expect(stats.body[path: "alpha.total_processed"] as? Int == 3)
            #expect(stats.body[path: "beta.total_quarantined"] as? Int == 1)
            #expect(stats.body[path: "beta.total_failed"] as? Int == 0)
            #expect(stats.body[path: "alpha.last_success"] as? String != nil)
            #expect(stats.body[path: "alpha.last_failure"] is NSNull)
            #expect(["alpha", "beta"].contains(stats.body[path: "last_success.source"] as? String ?? ""))
            #expect(stats.body[path: "last_success.duration_ms"] as? Int != nil)
            #expect(stats.body[path: "last_failure.source"] is NSNull)
        }
    }

    @Test(arguments: StoreKind.available)
    func triggerRequiresAConfiguredTokenAndTheRightOne(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: [sampleFiles[0]], token: nil) { _, client in
            let refused = try await client.json("/trigger-etl", method: .post, headers: token)
            #expect(refused.status == .forbidden)
            #expect((refused.body[path: "error.message"] as? String)?.contains("trigger_token") == true)
        }
        try await APIHarness.with(kind, files: [sampleFiles[0]]) { _, client in
            #expect(try await client.json("/trigger-etl", method: .post).status == .unauthorized)
            let wrong = try await client.json(
                "/trigger-etl", method: .post, headers: [HTTPField.Name("X-Scheduler-Token")!: "test-tokeN"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.wwwAuthenticate] == #"X-Scheduler-Token realm="kasparro-etl""#)
            let unknown = try await client.json("/trigger-etl?pipeline=gamma", method: .post, headers: token)
            #expect(unknown.status == .notFound)
            let accepted = try await client.json("/trigger-etl", method: .post, headers: token)
            #expect(accepted.status == .accepted)
            #expect(accepted.body["status"] as? String == "triggered")
            #expect(accepted.body[path: "runs.0.pipeline"] as? String == "alpha")
            #expect(accepted.body[path: "runs.0.run_id"] as? Int == 2)
        }
    }

    @Test(arguments: StoreKind.available)
    func aSecondTriggerWhileRunningIsA409WithTheRunningRun(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: [sampleFiles[0]]) { harness, client in
            var rows = ""
            for index in 0..<20_000 { rows += "T\(index),Token \(index),1.5,100,1,0,2025-12-10T12:00:00Z\n" }
            let handle = try FileHandle(forWritingTo: harness.directory.appendingPathComponent("alpha.csv"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(rows.utf8))
            try handle.close()
            let first = try await client.json("/trigger-etl?pipeline=alpha", method: .post, headers: token)
            let second = try await client.json("/trigger-etl?pipeline=alpha", method: .post, headers: token)
            #expect(first.status == .accepted)
            #expect(second.status == .conflict)
            #expect(second.body[path: "error.code"] as? String == "already_running")
            #expect(second.body[path: "error.run_id"] as? Int == first.body[path: "runs.0.run_id"] as? Int)
            try await waitForRuns(client, pipeline: "alpha", finished: 2)
            let run = try await client.json("/runs/\(first.body[path: "runs.0.run_id"] as? Int ?? 0)")
            #expect(run.body[path: "data.status"] as? String == "success")
            #expect(run.body[path: "data.processed"] as? Int == 20_000)
        }
    }

    @Test(arguments: StoreKind.available)
    func runsAreListedNewestFirstAndShowTheirQuarantinedRecords(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { _, client in
            let all = try await client.json("/runs")
            let runs = try #require(all.body["data"] as? [[String: Any]])
            #expect(runs.compactMap { $0["id"] as? Int } == [2, 1])
            #expect(all.body[path: "pagination.total"] as? Int == 2)
            let beta = try await client.json("/runs?pipeline=beta&status=success")
            #expect((beta.body["data"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [2], "\(beta.body)")
            let none = try await client.json("/runs?status=failed")
            #expect(none.body[path: "pagination.total"] as? Int == 0)
            let detail = try await client.json("/runs/2")
            #expect(detail.body[path: "data.quarantined_records.total"] as? Int == 1)
            #expect(
                detail.body[path: "data.quarantined_records.records.0.reason"] as? String
                    == "price_usd must be greater than 0, got -1")
            #expect(detail.body[path: "data.quarantined_records.records.0.line"] as? Int == 4)
            let missing = try await client.json("/runs/999")
            #expect(missing.status == .notFound)
        }
    }

    @Test(arguments: StoreKind.available)
    func theIndexListsTheEndpoints(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: [sampleFiles[0]]) { _, client in
            let index = try await client.json("/")
            let paths = (index.body["endpoints"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
            #expect(paths.contains("/data") && paths.contains("/trigger-etl") && paths.contains("/openapi.json"))
        }
    }
}

/// Waits until `pipeline` has `finished` runs that are no longer running.
func waitForRuns(_ client: any TestClientProtocol, pipeline: String, finished: Int) async throws {
    for _ in 0..<600 {
        let runs = try await client.json("/runs?pipeline=\(pipeline)")
        let list = runs.body["data"] as? [[String: Any]] ?? []
        if list.count >= finished, list.allSatisfy({ $0["status"] as? String != "running" }) { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("runs of \(pipeline) did not finish")
}
