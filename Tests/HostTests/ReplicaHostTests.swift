import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A serving host with a read replica, end to end: another host's load reaches its answers at once
/// although the replica's replay is paused (and never goes away again), `/health` and `/metrics`
/// report the replica lagging, then serving again.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set"), .serialized) struct ReplicaHostTests {

    static let feed = PipelineMistakesCLITests.header + "BTC,Bitcoin,43999.5,850000000000,1,1,2025-12-11T08:00:00Z\n"

    /// A serving host reading from the replica at `READ_URL`.
    static let servingFile = """
        store:
          url: ${DATABASE_URL}
          read_urls: ["${READ_URL}"]
          max_lag: 2s
        server:
          port: ${PORT}
        pipelines:
          - {name: feed, source: {type: csv, path: feed.csv}}
        """

    @Test func aHostNeverAnswersOlderThanAChangeItLearnedOfAndReportsItsReplica() async throws {
        let primary = try await PrivatePostgres.start()
        defer { primary.stop() }
        let replica = try await primary.replica()
        defer { replica.stop() }
        let directory = try PipelineMistakesCLITests.scratch([
            "feed.csv": Self.feed,
            "late.csv": PipelineMistakesCLITests.header + "NEW,New Coin,3,1,1,1,2025-12-11T09:00:00Z\n",
            "p.yaml": Self.servingFile,
            "q.yaml": """
            store: {url: "${DATABASE_URL}"}
            pipelines:
              - {name: late, source: {type: csv, path: late.csv}}
            """,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["DATABASE_URL": primary.url, "READ_URL": replica.url, "LOG_LEVEL": "warning"]
        let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: environment)
        func replicaState() async throws -> (status: String?, state: String?, reasons: [String]) {
            let (_, health) = try await host.request("/health")
            let replicas = health["replicas"] as? [[String: Any]]
            return (health["status"] as? String, replicas?.first?["state"] as? String, health["reasons"] as? [String] ?? [])
        }
        #expect(try await eventually { try await host.request("/data/BTC").0 == 200 })
        #expect(try await eventually { try await replicaState() == ("ok", "ok", []) })

        // Another host loads NEW while the replica replays nothing.
        _ = try await replica.scalar("SELECT pg_wal_replay_pause()")
        let once = try await HostProcess.run(["run", "q.yaml", "--once"], in: directory, environment: ["DATABASE_URL": primary.url])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(try await eventually(5) { try await host.request("/data/NEW").0 == 200 })
        for _ in 0..<20 {
            #expect(try await host.request("/data/NEW").0 == 200)
            #expect((try await host.request("/data").1["pagination"] as? [String: Any])?["total"] as? Int == 2)
        }
        #expect(try await eventually { try await replicaState().state == "lagging" })
        let lagging = try await replicaState()
        #expect(lagging.status == "degraded")
        #expect(
            lagging.reasons.contains { $0.contains("behind the primary, more than max_lag (2.0 s); reads go to the other replicas or the primary") })
        let metrics = String(decoding: try await URLSession.shared.data(from: URL(string: host.base + "/metrics")!).0, as: UTF8.self)
        #expect(metrics.contains("etl_replica_serving{replica=\"\(replica.address)\"} 0"), "\(metrics)")
        #expect(metrics.contains("etl_replica_lag_seconds{replica=\"\(replica.address)\"}"))

        _ = try await replica.scalar("SELECT pg_wal_replay_resume()")
        #expect(try await eventually { try await replicaState() == ("ok", "ok", []) })
        #expect(try await host.request("/data/NEW").0 == 200)
        #expect(try await host.terminate() == 0)
    }

    /// Health by role with the primary stopped: the host stays ready (a replica serves every read),
    /// `/health` says degraded naming the replica, and liveness never depends on the database; with
    /// the replica gone too, nothing can be read and readiness says so.
    @Test func withThePrimaryStoppedAReplicaServesAndTheHostStaysReady() async throws {
        let primary = try await PrivatePostgres.start()
        defer { primary.stop() }
        let replica = try await primary.replica()
        defer { replica.stop() }
        let directory = try PipelineMistakesCLITests.scratch([
            "feed.csv": Self.feed,
            "p.yaml": Self.servingFile,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["DATABASE_URL": primary.url, "READ_URL": replica.url, "LOG_LEVEL": "error"]
        let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: environment)
        #expect(try await eventually { try await host.request("/data/BTC").0 == 200 })
        #expect(try await eventually { try await host.request("/health").1["status"] as? String == "ok" })
        #expect(try await host.request("/health/ready").1["reads"] as? String == "primary")
        // The replica has replayed the load (a primary that stops sooner takes the newest data with it).
        #expect(try await eventually { try await replica.scalar("SELECT count(*) FROM normalized_records") == "1" })

        try await primary.halt()
        #expect(try await eventually(10) { try await host.request("/health/ready").1["reads"] as? String == "replica \(replica.address)" })
        let (status, health) = try await host.request("/health")
        #expect(status == 200, "\(health)")
        #expect(health["status"] as? String == "degraded")
        let reasons = health["reasons"] as? [String] ?? []
        #expect(reasons.contains { $0.contains("the primary does not answer") && $0.contains("served by replica \(replica.address)") }, "\(reasons)")
        for _ in 0..<10 {
            let (code, record) = try await host.request("/data/BTC")
            #expect(code == 200 && (record["data"] as? [String: Any])?["price_usd"] as? Double == 43999.5, "\(code) \(record)")
        }
        #expect(try await host.request("/health/live").0 == 200)

        try await replica.halt()
        #expect(try await eventually(10) { try await host.request("/health/ready").0 == 503 })
        #expect(try await host.request("/health").1["status"] as? String == "unavailable")
        #expect(try await host.request("/health/live").0 == 200)

        try await primary.resume()
        #expect(try await eventually(15) { try await host.request("/health/ready").1["reads"] as? String == "primary" })
        #expect(try await host.request("/data/BTC").0 == 200)
        #expect(try await host.terminate() == 0)
    }
}
