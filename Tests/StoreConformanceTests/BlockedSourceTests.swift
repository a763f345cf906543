import ETLFramework
import Foundation
import Logging
import Testing
import TestSupport

/// A source whose read blocks in the kernel (a pipe nobody writes to) and ignores cancellation: a
/// stop must still end its run, recorded `interrupted`, in both the one-shot and the serving paths.
@Suite struct BlockedSourceTests {
    /// Blocks in `read(2)` on the read end of a pipe until its write end is closed.
    struct PipeSource: Source {
        let type = "pipe"
        let descriptor: Int32
        var receiptTimeMeaning: String { "the time the data was received" }

        func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
            PipeReader(descriptor: descriptor)
        }
    }

    struct PipeReader: SourceReader {
        let descriptor: Int32

        mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
            var byte: UInt8 = 0
            _ = read(descriptor, &byte, 1)
            return nil
        }
    }

    /// A pipe whose write end stays open (so reads block) until `body` is done.
    static func withBlockingPipe(_ body: (Int32) async throws -> Void) async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[1])  // releases the abandoned read
            close(ends[0])
        }
        try await body(ends[0])
    }

    static func pipeline(_ descriptor: Int32) -> Pipeline {
        Pipeline(
            name: "blocked", source: PipeSource(descriptor: descriptor),
            transforms: TransformChain(normalizer: Normalizer(mapping: FieldMapping([:]), config: NormalizeConfig())),
            batchSize: 100, schedule: nil)
    }

    @Test func aStopEndsARunBlockedInItsSource() async throws {
        try await StoreKind.sqlite.with { store, _ in
            try await Self.withBlockingPipe { descriptor in
                let stop = StopSignal()
                let started = ContinuousClock.now
                async let report = PipelineRunner(store: store).run(
                    Self.pipeline(descriptor), trigger: .cli, logger: TestLog.logger, stop: stop)
                try await Task.sleep(for: .milliseconds(500))
                stop.request()
                let ended = try await report
                // Without abandoning, the run would wait for the read forever; the bound is wide because the
                // whole suite shares two cores (15.8 s was seen there once).
                #expect(ContinuousClock.now - started < .seconds(30))
                #expect(ended.status == .interrupted)
                #expect(ended.message == "stopped by shutdown while the source was reading (the read was abandoned)")
                let stored = try await store.latestRuns(logger: TestLog.logger)["blocked"]
                #expect(stored?.status == .interrupted)
            }
        }
    }

    /// More blocked reads than cores, and another pipeline still reads and loads.
    @Test func blockedReadsDoNotStarveOtherSources() async throws {
        try await StoreKind.sqlite.with { store, directory in
            var pipes: [[Int32]] = []
            defer {
                for ends in pipes {
                    close(ends[1])
                    close(ends[0])
                }
            }
            let stop = StopSignal()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    var ends: [Int32] = [0, 0]
                    #expect(pipe(&ends) == 0)
                    pipes.append(ends)
                    var pipeline = Self.pipeline(ends[0])
                    pipeline.name = "blocked\(index)"
                    group.addTask {
                        _ = try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: TestLog.logger, stop: stop)
                    }
                }
                try await Task.sleep(for: .milliseconds(500))
                let loader = CSVLoader(store: store, directory: directory)
                try loader.write("a.csv", "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\n")
                let report = try await loader.run("csv", file: "a.csv")
                #expect(report.status == .success && report.counters.processed == 1)
                stop.request()
                try await group.waitForAll()
            }
        }
    }

    @Test func aServingHostShutsDownWhileARunIsBlockedInItsSource() async throws {
        try await StoreKind.sqlite.with { store, _ in
            try await Self.withBlockingPipe { descriptor in
                let controller = RunController(
                    runner: PipelineRunner(store: store), pipelines: [Self.pipeline(descriptor)], logger: TestLog.logger)
                async let serving: Void = controller.run(schedules: true)
                // Recorded, not only scheduled: a stop before the run is recorded leaves nothing to read back.
                #expect(
                    try await eventually(30) {
                        guard controller.localRun(of: "blocked") != nil else { return false }
                        return (try? await store.latestRuns(logger: TestLog.logger)["blocked"]?.status) == .running
                    })
                let started = ContinuousClock.now
                controller.shutdown()
                await serving
                // Without abandoning, the run would wait for the read forever; the bound is wide because the
                // whole suite shares two cores (15.8 s was seen there once).
                #expect(ContinuousClock.now - started < .seconds(30))
                let stored = try await store.latestRuns(logger: TestLog.logger)["blocked"]
                #expect(stored?.status == .interrupted)
            }
        }
    }
}
