import Foundation
import Testing
import TestSupport

/// The embedded store on a full disk (a small tmpfs, so root only): the run fails and says what is
/// stored, and after space is made the next run resumes and loads the rest exactly once.
@Suite(.enabled(if: getuid() == 0, "mounting a small filesystem needs root")) struct DiskFullTests {
    @Test func aFullDiskFailsTheRunSayingWhatIsStoredAndTheNextRunResumes() async throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("db")
        try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
        try Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", store.path])
        defer { _ = try? Command.run("/bin/umount", [store.path]) }
        try CrashSafetyTests.generate(to: directory.appendingPathComponent("big.csv"))
        try """
        store: {url: "sqlite:db/etl.sqlite"}
        pipelines: [{name: big, batch_size: 1000, source: {type: csv, path: big.csv}}]
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let full = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory, environment: ["LOG_LEVEL": "critical"])
        #expect(full.status == 1)
        let row = try #require(full.stdout.split(separator: "\n").first { $0.hasPrefix("big ") }, "\(full.stdout)")
        let cells = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(cells[1] == "failed", "\(full.stdout)")
        let stored = Int(cells[2]) ?? 0
        #expect(stored > 0, "\(full.stdout)")
        #expect(full.stdout.contains("database or disk is full"), "\(full.stdout)")
        #expect(full.stdout.contains("stored before the failure: \(stored) processed"), "\(full.stdout)")

        try Command.run("/bin/mount", ["-o", "remount,size=64m", store.path])
        let resumed = try await HostProcess.run(["run", "p.yaml", "--once"], in: directory, environment: ["LOG_LEVEL": "critical"])
        #expect(resumed.status == 0, "\(resumed.stdout)")
        let bad = CrashSafetyTests.rows / CrashSafetyTests.badEvery
        #expect(resumed.stdout.contains("big       success  \(CrashSafetyTests.rows - bad - stored)"), "\(resumed.stdout)")
    }
}
