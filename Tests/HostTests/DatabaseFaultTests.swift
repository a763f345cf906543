import Foundation
import Testing
import TestSupport

/// A database that goes away or stalls, on a PostgreSQL server of the test's own: runs fail within
/// seconds with the cause, nothing hangs, the host stops on SIGTERM, and nothing is lost or doubled.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set"), .serialized) struct DatabaseFaultTests {
    static let rows = 60_000

    /// A scratch directory with `big.csv` (CrashSafetyTests' file) and `p.yaml` on `database`.
    static func scratch(_ database: PrivatePostgres, extra: String = "") throws -> URL {
        let directory = try Paths.scratchDirectory()
        try CrashSafetyTests.generate(to: directory.appendingPathComponent("big.csv"))
        try """
        store: {type: postgres, url: "${DATABASE_URL}"}
        \(extra)
        pipelines:
          - {name: big, source: {type: csv, path: big.csv}, batch_size: 1000, checks: {max_quarantined: 100%}}
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// Waits until the run has committed at least one batch.
    static func waitForProgress(_ database: PrivatePostgres) async throws {
        for _ in 0..<300 {
            if let done = Int((try? await database.scalar("SELECT coalesce(sum(processed), 0) FROM etl_runs")) ?? ""), done > 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PrivatePostgres.Failure(message: "the run committed nothing within 30 s")
    }

    /// Waits for `process` to exit; returns its status and the seconds it took.
    static func exit(of process: Process, within limit: Double) async throws -> (Int32, Double) {
        let clock = ContinuousClock.now
        while process.isRunning, (ContinuousClock.now - clock) < .seconds(limit) { try await Task.sleep(for: .milliseconds(50)) }
        let seconds = Double((ContinuousClock.now - clock).components.seconds)
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return (-1, seconds)
        }
        return (process.terminationStatus, seconds)
    }

    /// After the fault, a new run loads the rest, and every row is stored exactly once.
    static func rerunCompletes(_ directory: URL, _ database: PrivatePostgres) async throws {
        let rerun = try await HostProcess.run(
            ["run", "p.yaml", "--once"], in: directory, environment: ["DATABASE_URL": database.url, "LOG_LEVEL": "error"])
        #expect(rerun.status == 0, "\(rerun.stdout) \(rerun.stderr.suffix(2000))")
        let bad = rows / CrashSafetyTests.badEvery
        #expect(try await database.scalar("SELECT count(*) FROM observations") == "\(rows - bad)")
        #expect(try await database.scalar("SELECT count(*) FROM raw_records") == "\(rows)")
        #expect(try await database.scalar("SELECT count(DISTINCT line) FROM quarantine") == "\(bad)")
        #expect(try await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'running'") == "0")
    }

    /// Starts `host run --once` on the big file, brings on `fault` once a batch is committed, waits
    /// (up to 30 s) for the process to exit, then `repair`s; returns the exit status, the seconds it
    /// took and the summary printed.
    static func onceLoad(
        on database: PrivatePostgres, in directory: URL, fault: (PrivatePostgres) async throws -> Void,
        repair: (PrivatePostgres) async throws -> Void
    ) async throws -> (status: Int32, seconds: Double, stdout: String) {
        let started = try HostProcess.start(
            ["run", "p.yaml", "--once"], in: directory, environment: ["DATABASE_URL": database.url, "LOG_LEVEL": "error"])
        try await waitForProgress(database)
        try await fault(database)
        let (status, seconds) = try await exit(of: started.process, within: 30)
        try await repair(database)
        return (status, seconds, String(decoding: started.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test func aDatabaseThatStopsMidLoadFailsTheOnceRunWithinSeconds() async throws {
        let database = try await PrivatePostgres.start()
        defer { database.stop() }
        let directory = try Self.scratch(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, seconds, stdout) = try await Self.onceLoad(
            on: database, in: directory, fault: { try await $0.halt() }, repair: { try await $0.resume() })
        #expect(status == 1, "exit \(status) after \(seconds) s: \(stdout)")
        #expect(stdout.contains("big       failed"), "\(stdout)")
        try await Self.rerunCompletes(directory, database)
        // The first run is on record as interrupted (its end could not be written while the database was gone).
        #expect(try await database.scalar("SELECT status FROM etl_runs ORDER BY id LIMIT 1") == "interrupted")
    }

    @Test func aStalledDatabaseFailsTheOnceRunByItsDeadline() async throws {
        let database = try await PrivatePostgres.start()
        defer { database.stop() }
        let directory = try Self.scratch(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, seconds, stdout) = try await Self.onceLoad(
            on: database, in: directory, fault: { try await $0.stall() }, repair: { try await $0.unstall() })
        #expect(status == 1, "exit \(status) after \(seconds) s: \(stdout)")
        #expect(stdout.contains("did not finish within 15"), "\(stdout)")
        try await Self.rerunCompletes(directory, database)
    }

    @Test func aServingHostAnswersInTimeWhileTheDatabaseIsStalledOrDownAndRecovers() async throws {
        let database = try await PrivatePostgres.start()
        defer { database.stop() }
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\nBTC,Bitcoin,100,1,1,1,2025-01-01T00:00:00Z\n"
            .write(to: directory.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try """
        store: {type: postgres, url: "${DATABASE_URL}"}
        server: {trigger_token: "${TOKEN}"}
        pipelines:
          - {name: a, source: {type: csv, path: a.csv}, schedule: {every: 2s}}
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let host = try await LiveHost.start(
            file: "p.yaml", in: directory, environment: ["DATABASE_URL": database.url, "TOKEN": "t0ken-t0ken", "LOG_LEVEL": "warning"])
        defer { if host.started.process.isRunning { kill(host.started.process.processIdentifier, SIGKILL) } }
        #expect(try await host.request("/health").0 == 200)

        // Stalled: /health and a trigger answer 503 within their deadlines.
        try await database.stall()
        try await Task.sleep(for: .milliseconds(1_200))  // past the probe's one-second memory
        var clock = ContinuousClock.now
        let health = try await host.request("/health")
        #expect(health.0 == 503)
        #expect(ContinuousClock.now - clock < .milliseconds(2_500), "health took \(ContinuousClock.now - clock)")
        clock = ContinuousClock.now
        let trigger = try await host.request("/trigger-etl", method: "POST", headers: ["X-Scheduler-Token": "t0ken-t0ken"])
        #expect(trigger.0 == 503, "\(trigger.1)")
        #expect(ContinuousClock.now - clock < .seconds(5), "trigger took \(ContinuousClock.now - clock)")
        clock = ContinuousClock.now
        let data = try await host.request("/data?ticker=NEW")
        #expect(data.0 == 503)
        #expect(ContinuousClock.now - clock < .milliseconds(5_500), "data took \(ContinuousClock.now - clock)")
        try await database.unstall()

        // Down: the same, and once it is back the schedule runs the pipeline again.
        try await database.halt()
        clock = ContinuousClock.now
        #expect(try await host.request("/trigger-etl", method: "POST", headers: ["X-Scheduler-Token": "t0ken-t0ken"]).0 == 503)
        #expect(ContinuousClock.now - clock < .seconds(5))
        try await database.resume()
        let failedBefore = Int(try await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'success'")) ?? 0
        var succeeded = false
        // Within 45 s: 20 s was missed in some CI runs, cause not established; a pool replaced less
        // than 30 s before is not replaced again (PrimaryPool.replaceInterval) and may have to wait
        // out the driver's reconnection delay.
        for _ in 0..<225 {
            if let count = Int((try? await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'success'")) ?? ""), count > failedBefore {
                succeeded = true
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        if !succeeded {
            // What the host did meanwhile, for the failure's message.
            kill(host.started.process.processIdentifier, SIGKILL)
            let log = String(decoding: host.started.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            Issue.record("no scheduled run succeeded after the database came back; the host's log ends:\n\(log.suffix(6000))")
            return
        }

        // SIGTERM while the database is stalled: the host stops within 10 s.
        try await database.stall()
        try await Task.sleep(for: .seconds(2))  // let a scheduled run start and hang on the database
        kill(host.started.process.processIdentifier, SIGTERM)
        let (status, seconds) = try await Self.exit(of: host.started.process, within: 10)
        try await database.unstall()
        #expect(status == 0, "exit \(status) after \(seconds) s")
    }
}
