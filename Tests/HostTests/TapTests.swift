import CSVFileAdapter
import ETLFramework
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `host tap` and `GET /pipelines/{name}/tap` against a serving host, and a tap's bounded buffer
/// against a real run.
@Suite(.serialized) struct TapTests {
    static let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at,divisor\n"
    static let count = 2_000

    /// Every 100th record is rejected by `set` (division by zero); records with divisor 7 are filtered.
    static func divisor(_ index: Int) -> Int { index % 100 == 0 ? 0 : (index % 50 == 25 ? 7 : 1 + index % 3) }

    static var rows: String {
        header
            + (0..<count).map { index in
                "T\(index),Token \(index),\(index + 1).25,\(index * 10),5,0.5,2025-01-01T00:00:00Z,\(divisor(index))\n"
            }.joined()
    }

    /// One CSV pipeline through `set` (divides by `divisor`) and `filter` (leaves out divisor 7),
    /// into SQLite; served on `PORT` with `SCHEDULER_TOKEN`, no schedule.
    static func pipelines(batchSize: Int) -> String {
        """
        store: {type: sqlite, path: etl.sqlite}
        server: {host: 127.0.0.1, port: "${PORT:-8000}", trigger_token: "${SCHEDULER_TOKEN:-}", schedules: false}
        pipelines:
          - name: csv
            source: {type: csv, path: rows.csv}
            batch_size: \(batchSize)
            transform:
              - set: {unit: "price_usd / divisor"}
              - filter: {where: "divisor != 7"}
        """
    }

    static let pipelines = pipelines(batchSize: 100)

    /// A `host tap` process whose output goes to files.
    struct Tap {
        let process: Process
        let stdout: URL
        let stderr: URL

        static func start(_ arguments: [String], in directory: URL, host: LiveHost, token: String, name: String) throws -> Tap {
            let stdout = directory.appendingPathComponent("\(name).out"), stderr = directory.appendingPathComponent("\(name).err")
            FileManager.default.createFile(atPath: stdout.path, contents: nil)
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            let process = Process()
            process.executableURL = Paths.hostExecutable
            process.arguments = ["tap", "p.yaml", "--url", host.base] + arguments
            process.currentDirectoryURL = directory
            process.environment = ProcessInfo.processInfo.environment.merging(["SCHEDULER_TOKEN": token]) { $1 }
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
            return Tap(process: process, stdout: stdout, stderr: stderr)
        }

        var output: String { (try? String(contentsOf: stdout, encoding: .utf8)) ?? "" }
        var errors: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }
        var events: [[String: Any]] {
            output.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        }

        func waitFor(_ condition: (Tap) -> Bool) async throws {
            for _ in 0..<300 where !condition(self) {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    @Test func twoTapsOnDifferentStepsSeeExactlyWhatLeftEachStepAndWhatTheStoreHolds() async throws {
        let directory = try PipelineMistakesCLITests.scratch(["rows.csv": Self.rows, "p.yaml": Self.pipelines])
        defer { try? FileManager.default.removeItem(at: directory) }
        let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: ["SCHEDULER_TOKEN": "tap-token"])
        let filtered = try Tap.start(["--pipeline", "csv", "--step", "filter"], in: directory, host: host, token: "tap-token", name: "filter")
        let rejected = try Tap.start(
            ["--pipeline", "csv", "--step", "1", "--rejected"], in: directory, host: host, token: "tap-token", name: "set")
        let written = try Tap.start(["--pipeline", "csv"], in: directory, host: host, token: "tap-token", name: "normalize")
        defer { for tap in [filtered, rejected, written] where tap.process.isRunning { tap.process.terminate() } }
        for tap in [filtered, rejected, written] {
            try await tap.waitFor { $0.errors.contains("tapping csv") }
            #expect(tap.errors.contains("tapping csv"), "\(tap.errors)")
        }
        let (status, body) = try await host.request("/trigger-etl", method: "POST", headers: ["X-Scheduler-Token": "tap-token"])
        #expect(status == 202, "\(body)")
        let runID = ((body["runs"] as? [[String: Any]])?.first?["run_id"] as? Int) ?? -1
        for tap in [filtered, rejected, written] {
            try await tap.waitFor { $0.output.contains("\"phase\":\"finished\"") }
            tap.process.terminate()
        }

        let expectedKept = (0..<Self.count).filter { Self.divisor($0) != 0 && Self.divisor($0) != 7 }
        let expectedRejected = (0..<Self.count).filter { Self.divisor($0) == 0 }
        // After the filter: every record that passed both steps, with the field `set` added.
        let afterFilter = filtered.events.filter { $0["event"] as? String == "record" }
        #expect(afterFilter.compactMap { ($0["record"] as? [String: Any])?["symbol"] as? String } == expectedKept.map { "T\($0)" })
        #expect(afterFilter.allSatisfy { ($0["record"] as? [String: Any])?["unit"] != nil })
        #expect(afterFilter.allSatisfy { $0["step"] as? String == "filter" && $0["index"] as? Int == 2 && $0["run_id"] as? Int == runID })
        #expect(!filtered.output.contains("\"event\":\"missed\""))

        // The rejections of `set`: those the run quarantined, with their lines and reasons.
        let rejections = rejected.events.filter { $0["event"] as? String == "rejected" }
        #expect(rejected.events.allSatisfy { $0["event"] as? String != "record" })
        #expect(rejections.compactMap { $0["origin"] as? String } == expectedRejected.map { "rows.csv:\($0 + 2)" })
        let (_, run) = try await host.request("/runs/\(runID)")
        let quarantined = ((run["data"] as? [String: Any])?["quarantined_records"] as? [String: Any])?["records"] as? [[String: Any]] ?? []
        #expect(quarantined.count == expectedRejected.count)
        #expect(
            Set(quarantined.compactMap { record in (record["location"] as? String).map { "\($0) \(record["reason"] as? String ?? "")" } })
                == Set(rejections.compactMap { event in (event["origin"] as? String).map { "\($0) \(event["reason"] as? String ?? "")" } }))
        #expect(rejections.allSatisfy { ($0["reason"] as? String)?.hasPrefix("set: ") == true })

        // Out of the normalizer: the unified records the store holds, value for value.
        let unified = written.events.filter { $0["event"] as? String == "record" }.compactMap { $0["record"] as? [String: Any] }
        var stored: [String: String] = [:]
        for offset in stride(from: 0, to: expectedKept.count, by: 200) {
            let (_, page) = try await host.request("/data?limit=200&offset=\(offset)")
            for record in page["data"] as? [[String: Any]] ?? [] {
                if let ticker = record["ticker"] as? String { stored[ticker] = "\(record["price_usd"] ?? "")" }
            }
        }
        #expect(unified.count == expectedKept.count)
        #expect(stored.count == expectedKept.count)
        #expect(Dictionary(uniqueKeysWithValues: unified.map { ("\($0["ticker"] ?? "")", "\($0["price_usd"] ?? "")") }) == stored)
        #expect(written.events.first { $0["event"] as? String == "run" }?["phase"] as? String == "started")

        // A wrong token is refused.
        let intruder = try Tap.start(["--pipeline", "csv"], in: directory, host: host, token: "wrong", name: "intruder")
        intruder.process.waitUntilExit()
        #expect(intruder.process.terminationStatus == 1)
        #expect(intruder.errors.contains("401"), "\(intruder.errors)")
        // HEAD answers at once, attaching nothing; the stream is never cached.
        var head = URLRequest(url: URL(string: host.base + "/pipelines/csv/tap")!)
        head.httpMethod = "HEAD"
        head.setValue("tap-token", forHTTPHeaderField: "X-Scheduler-Token")
        let (_, headAnswer) = try await URLSession.shared.data(for: head)
        #expect((headAnswer as? HTTPURLResponse)?.statusCode == 200)
        #expect((headAnswer as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type") == "text/event-stream; charset=utf-8")
        #expect((headAnswer as? HTTPURLResponse)?.value(forHTTPHeaderField: "Cache-Control") == "no-store")
        let (unknownStep, answer) = try await host.request("/pipelines/csv/tap?step=nope", headers: ["X-Scheduler-Token": "tap-token"])
        #expect(unknownStep == 400)
        #expect(((answer["error"] as? [String: Any])?["message"] as? String)?.contains("0 source, 1 set, 2 filter, 3 normalize") == true)
        #expect(try await host.terminate() == 0)
    }

    @Test func aTapThatDoesNotReadIsToldHowManyRecordsItMissedAndTheRunStillStoresThemAll() async throws {
        try await StoreKind.sqlite.with { store, directory in
            try Data(Self.rows.utf8).write(to: directory.appendingPathComponent("rows.csv"))
            let path = directory.appendingPathComponent("rows.csv").path
            let pipeline = Pipeline(
                name: "csv", source: CSVSource(path: path, displayPath: "rows.csv"),
                transforms: TransformChain(normalizer: Normalizer(mapping: CSVSource.defaultMapping)), batchSize: 100, schedule: nil,
                checks: RunChecks())
            let hub = TapHub()
            var runner = PipelineRunner(store: store)
            runner.taps = hub
            let stalled = hub.attach(pipeline: "csv", point: 0, capacity: 10)
            let reader = hub.attach(pipeline: "csv", point: 1, capacity: 100_000)
            let report = try await runner.run(pipeline, trigger: .cli, logger: TestLog.logger)
            #expect(report.status == .success)
            #expect(report.counters.processed == Self.count)
            hub.detach(stalled)
            hub.detach(reader)
            var deliveredRecords = 0, missed = 0, phases: [String] = []
            while let delivery = await stalled.next() {
                switch delivery {
                case .event(.record): deliveredRecords += 1
                case .event(.run(_, _, let phase, _)): phases.append(phase.rawValue)
                case .missed(let count): missed += count
                case .heartbeat: break
                }
            }
            // Ten buffered, the rest counted: nothing silently lost, and the run's end still delivered.
            #expect(deliveredRecords == 10)
            #expect(deliveredRecords + missed == Self.count)
            #expect(phases == ["started", "finished"])
            var normalized = 0
            while let delivery = await reader.next() {
                if case .event(.record) = delivery { normalized += 1 }
            }
            #expect(normalized == Self.count)
        }
    }
}
