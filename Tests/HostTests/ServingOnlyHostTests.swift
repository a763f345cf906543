import Foundation
import Testing
import TestSupport

/// `server.schedules: false`: a host that serves the API and triggered runs, and runs no schedule
/// (nor the start-up runs), as the serving hosts of a larger topology do.
@Suite struct ServingOnlyHostTests {
    @Test func aHostWithoutSchedulesRunsOnlyWhenTriggered() async throws {
        let directory = try PipelineMistakesCLITests.scratch([
            "a.csv": PipelineMistakesCLITests.header + "AAA,A,1,1,1,1,2025-12-11T08:00:00Z\n",
            "p.yaml": """
            store: {url: "sqlite:db.sqlite"}
            server:
              port: ${PORT}
              trigger_token: serve-only
              schedules: false
            pipelines:
              - {name: csv, source: {type: csv, path: a.csv}, schedule: {every: 1s}}
            """,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: [:])
        // Long enough for a start-up run and two scheduled ones, had there been any.
        try await Task.sleep(for: .milliseconds(2500))
        let (_, idle) = try await host.request("/stats")
        #expect((idle["csv"] as? [String: Any])?["total_runs"] as? Int == 0, "\(idle)")
        #expect(try await host.request("/data/AAA").0 == 404)
        let (status, _) = try await host.request("/trigger-etl?pipeline=csv", method: "POST", headers: ["X-Scheduler-Token": "serve-only"])
        #expect(status == 202)
        #expect(try await eventually { try await host.request("/data/AAA").0 == 200 })
        let (_, after) = try await host.request("/stats")
        #expect((after["csv"] as? [String: Any])?["total_runs"] as? Int == 1)
        #expect(try await host.terminate() == 0)
    }
}
