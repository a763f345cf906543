import Foundation
import Testing
import TestSupport

/// The host as users run it: a process serving on loopback, over real HTTP.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set"), .serialized) struct LiveHostTests {
    static let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"

    static func bigCSV(rows: Int, from start: Int = 0) -> String {
        var text = ""
        text.reserveCapacity(rows * 70)
        for index in start..<(start + rows) {
            text += "B\(index % 700),Bulk \(index % 700),1.\(index % 1000),\(1000 + index),5,0.1,2025-01-01T00:00:00Z\n".replacingOccurrences(
                of: "2025-01-01T00:00:00Z", with: Date(timeIntervalSince1970: 1_735_689_600 + Double(index)).formatted(.iso8601))
        }
        return text
    }

    @Test func theSpecVerificationGuidePassesAgainstALiveHost() async throws {
        try await TestDatabase.with { database in
            let directory = try Paths.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try FileManager.default.copyItem(
                at: Paths.packageRoot.appendingPathComponent("data/sample.csv"), to: directory.appendingPathComponent("sample.csv"))
            try (Self.header + "BTC,Bitcoin,43999.5,850000000000,20000000000,2.1,2025-12-11T08:00:00Z\n")
                .write(to: directory.appendingPathComponent("feed.csv"), atomically: true, encoding: .utf8)
            try """
            store: {type: postgres, url: "${DATABASE_URL}"}
            server: {host: 127.0.0.1, port: "${PORT}", trigger_token: "${SCHEDULER_TOKEN}"}
            pipelines:
              - {name: csv, source: {type: csv, path: sample.csv}}
              - {name: feed, source: {type: csv, path: feed.csv}}
            """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let host = try await LiveHost.start(
                file: "p.yaml", in: directory, environment: ["DATABASE_URL": database.url, "SCHEDULER_TOKEN": "live-token"])
            // Both start-up runs are done when /stats counts them.
            for _ in 0..<100 {
                let (_, stats) = try await host.request("/stats")
                if (stats["csv"] as? [String: Any])?["total_runs"] as? Int == 1,
                    (stats["feed"] as? [String: Any])?["total_runs"] as? Int == 1,
                    (stats["csv"] as? [String: Any])?["last_status"] as? String == "success",
                    (stats["feed"] as? [String: Any])?["last_status"] as? String == "success"
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let verify = Process()
            verify.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            verify.arguments = ["python3", Paths.packageRoot.appendingPathComponent("scripts/verify.py").path, host.base]
            let output = Pipe()
            verify.standardOutput = output
            try verify.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            verify.waitUntilExit()
            #expect(verify.terminationStatus == 0, "\(text)")
            #expect(text.contains("PASS 10. BTC is one record, from source feed"), "\(text)")
            #expect(text.hasSuffix("0 failed\n"))
            #expect(try await host.terminate() == 0)
        }
    }

    @Test func sigtermStopsARunAtABatchBoundaryAndExitsZero() async throws {
        try await TestDatabase.with { database in
            let directory = try Paths.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let rows = 150_000
            try (Self.header + Self.bigCSV(rows: rows)).write(to: directory.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
            try """
            store: {type: postgres, url: "${DATABASE_URL}"}
            pipelines:
              - {name: big, source: {type: csv, path: big.csv}, batch_size: 2000}
            """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let environment = ["DATABASE_URL": database.url, "LOG_LEVEL": "warning"]
            let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: environment)
            try await database.withClient { client in
                for _ in 0..<600 {
                    let done = (try? await TestDatabase.integer("SELECT coalesce(sum(processed), 0)::bigint FROM etl_runs", on: client)) ?? 0
                    if done > 0 { return }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(try await host.terminate() == 0)
            let run = try await database.rows("SELECT status, message, processed FROM etl_runs")
            #expect(run.count == 1)
            #expect(run.first?[0] == "interrupted")
            #expect(run.first?[1] == "stopped at a batch boundary by shutdown")
            let processed = Int(run.first?[2] ?? "") ?? -1
            #expect(processed > 0 && processed < rows && processed % 2000 == 0, "processed \(processed)")
            #expect(try await database.scalar("SELECT count(*) FROM observations") == "\(processed)")

            let rest = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory, environment: environment)
            #expect(rest.status == 0, "\(rest.stderr)")
            #expect(try await database.scalar("SELECT count(*) FROM observations") == "\(rows)")
            let runs = try await database.rows("SELECT status, processed, skipped, quarantined FROM etl_runs ORDER BY id")
            #expect(try await database.scalar("SELECT sum(processed)::bigint FROM etl_runs") == "\(rows)", "\(runs)")
        }
    }

    @Test func twoHostsTriggeredAtOnceStartExactlyOneRun() async throws {
        try await TestDatabase.with { database in
            let directory = try Paths.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try (Self.header + Self.bigCSV(rows: 10)).write(to: directory.appendingPathComponent("feed.csv"), atomically: true, encoding: .utf8)
            try """
            store: {type: postgres, url: "${DATABASE_URL}"}
            server: {trigger_token: "${SCHEDULER_TOKEN}"}
            pipelines:
              - {name: feed, source: {type: csv, path: feed.csv}, batch_size: 1000}
            """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let environment = ["DATABASE_URL": database.url, "SCHEDULER_TOKEN": "two-hosts", "LOG_LEVEL": "warning"]
            let first = try await LiveHost.start(file: "p.yaml", in: directory, environment: environment)
            let second = try await LiveHost.start(file: "p.yaml", in: directory, environment: environment)
            // Let the start-up runs end, then give the next run real work.
            for _ in 0..<100 {
                let running = try await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'running'")
                let total = try await database.scalar("SELECT count(*) FROM etl_runs")
                if running == "0", total != "0" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let before = Int(try await database.scalar("SELECT count(*) FROM etl_runs") ?? "") ?? 0
            let handle = try FileHandle(forWritingTo: directory.appendingPathComponent("feed.csv"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(Self.bigCSV(rows: 40_000, from: 10).utf8))
            try handle.close()

            let headers = ["X-Scheduler-Token": "two-hosts"]
            async let a = first.request("/trigger-etl?pipeline=feed", method: "POST", headers: headers)
            async let b = second.request("/trigger-etl?pipeline=feed", method: "POST", headers: headers)
            let answers = try await [a, b]
            #expect(answers.map(\.0).sorted() == [202, 409], "\(answers)")
            let started = answers.first { $0.0 == 202 }.flatMap { ($0.1["runs"] as? [[String: Any]])?.first?["run_id"] as? Int }
            let refused = answers.first { $0.0 == 409 }.flatMap { ($0.1["error"] as? [String: Any])?["run_id"] as? Int }
            #expect(started != nil && started == refused)
            #expect(try await database.scalar("SELECT count(*) FROM etl_runs") == "\(before + 1)")
            #expect(try await first.terminate() == 0)
            #expect(try await second.terminate() == 0)
        }
    }
}

/// The README's first command, as a user on a fresh machine runs it: no environment, SQLite.
@Suite(.serialized) struct QuickStartTests {
    @Test func theShippedFileServesFromSQLiteWithNoEnvironment() async throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        for file in ["pipelines.yaml", "data/sample.csv"] {
            try FileManager.default.copyItem(
                at: Paths.packageRoot.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        // `.invalid` hosts stand in for a machine without internet (the API pipelines fail cleanly).
        let host = try await LiveHost.start(
            file: "pipelines.yaml", in: directory,
            environment: [
                "COINPAPRIKA_BASE_URL": "http://api.coinpaprika.com.invalid/v1",
                "COINGECKO_BASE_URL": "http://api.coingecko.com.invalid/api/v3", "LOG_LEVEL": "warning",
            ])
        var total = 0
        for _ in 0..<100 {
            total = (try await host.request("/data?ticker=BTC")).1["pagination"].flatMap { ($0 as? [String: Any])?["total"] as? Int } ?? 0
            if total == 1 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(total == 1)
        let (status, health) = try await host.request("/health")
        #expect(status == 200 && health["database"] as? String == "connected")
        let (statsStatus, stats) = try await host.request("/stats")
        #expect(statsStatus == 200 && stats["total_normalized"] as? Int == 7)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(".etl/etl.sqlite").path))
        // A second host on the same file refuses to start, saying why.
        let second = try await HostProcess.run(["run", "pipelines.yaml", "--once", "--pipeline", "csv"], in: directory)
        #expect(second.status == 1)
        #expect(second.stderr.contains("another host process owns"))
        #expect(try await host.terminate() == 0)
    }
}
