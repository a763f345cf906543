import Foundation
import Testing
import TestSupport

/// Ctrl-C and SIGTERM during `host run --once`: the run stops at the next batch boundary, is
/// recorded as interrupted, the summary is printed, the exit code tells the signal (130, 143),
/// and the next run loads the rest exactly once. A second Ctrl-C exits at once.
@Suite(.serialized) struct OnceSignalTests {
    static func scratch() throws -> URL {
        let directory = try Paths.scratchDirectory()
        try CrashSafetyTests.generate(to: directory.appendingPathComponent("big.csv"))
        try """
        store: {url: "sqlite:db/etl.sqlite"}
        pipelines: [{name: big, batch_size: 500, source: {type: csv, path: big.csv}}]
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func aSignalStopsTheRunAtABatchBoundary(signal: Int32, code: Int32) async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = try HostProcess.start(["run", "p.yaml", "--once"], in: directory, environment: ["LOG_LEVEL": "critical"])
        try await Task.sleep(for: .seconds(3))
        #expect(started.process.isRunning, "the load ended before the signal; the test needs a larger file")
        kill(started.process.processIdentifier, signal)
        let (status, seconds) = try await DatabaseFaultTests.exit(of: started.process, within: 20)
        let stdout = String(decoding: started.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == code, "exit \(status) after \(seconds) s: \(stdout)")
        let row = try #require(stdout.split(separator: "\n").first { $0.hasPrefix("big ") }, "no summary: \(stdout)")
        let cells = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(cells[1] == "interrupted")
        let processed = Int(cells[2]) ?? -1, quarantined = Int(cells[3]) ?? -1
        #expect((processed + quarantined) % 500 == 0 && processed > 0, "not at a batch boundary: \(row)")
        #expect(stdout.contains("big: stopped at a batch boundary by shutdown"))

        let rest = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory, environment: ["LOG_LEVEL": "critical"])
        #expect(rest.status == 0)
        let bad = CrashSafetyTests.rows / CrashSafetyTests.badEvery
        #expect(rest.stdout.contains("big       success  \(CrashSafetyTests.rows - bad - processed)  "), "\(rest.stdout)")
    }

    @Test func aSecondCtrlCExitsAtOnce() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = try HostProcess.start(["run", "p.yaml", "--once"], in: directory, environment: ["LOG_LEVEL": "critical"])
        try await Task.sleep(for: .seconds(3))
        kill(started.process.processIdentifier, SIGINT)
        // The second Ctrl-C once the first is taken (two signals at once would merge into one).
        var stderr = ""
        for _ in 0..<100 where !stderr.contains("SIGINT: stopping") {
            stderr += String(decoding: started.stderr.fileHandleForReading.availableData, as: UTF8.self)
        }
        kill(started.process.processIdentifier, SIGINT)
        let (status, seconds) = try await DatabaseFaultTests.exit(of: started.process, within: 5)
        #expect(status == 130, "exit \(status) after \(seconds) s")
        stderr += String(decoding: started.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("second SIGINT; exiting now"), "\(stderr.suffix(500))")
    }
}
