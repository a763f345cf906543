import ETLFramework
import ETLSQLiteStore
import ETLTesting
import Foundation
import Testing
import TestSupport

/// The acceptance suites pass what keeps the contracts and fail, naming the check and the reason,
/// on a component with one mistake.
@Suite struct AcceptanceKitTests {
    static let lines = (1...7).map { "T\($0),Token \($0),\($0).5,\($0)000,1,0.1,2025-01-01T00:00:0\($0)Z" }
    static let columns = ["symbol", "name", "price", "market_cap", "volume", "change", "time"]
    static let good = RecordedSource(type: "recorded", columns: columns, lines: lines)
    static let bad = RecordedSource(
        type: "recorded", payloads: good.payloads.prefix(3) + [.string("not a record"), .number("7")] + good.payloads.suffix(2))

    static func source(_ source: any Source, bad: (any Source)? = nil) async -> AcceptanceReport {
        await SourceAcceptance(source: source, expectedRecords: 7, badInput: bad, expectedBadRecords: 7, logger: TestLog.logger).run()
    }

    static func failed(_ report: AcceptanceReport) -> [String] { report.failures.map(\.check) }

    @Test func aSourceThatKeepsTheContractPasses() async {
        let report = await Self.source(Self.good, bad: Self.bad)
        #expect(report.passed, "\(report)")
        #expect(report.results.count == 6)
    }

    @Test func aSourceThatReReadsItsLastBatchAfterAResumeFails() async throws {
        let report = await Self.source(BrokenSources.ReReadsTheLastBatch(inner: Self.good))
        #expect(Self.failed(report) == ["nothing-new-after-the-end", "resume-after-every-batch"])
        let reason = try #require(report.failures.first { $0.check == "resume-after-every-batch" }?.failure)
        #expect(reason.contains("stopped after batch 1 of 4") && reason.contains("given twice"), "\(reason)")
    }

    @Test func aSourceThatThrowsBadRecordsAwayFails() async throws {
        let report = await Self.source(Self.good, bad: BrokenSources.DropsBadRecords(inner: Self.bad))
        #expect(Self.failed(report) == ["bad-input-is-kept"])
        #expect(report.failures.first?.failure == "the bad input gave no rejection")
    }

    @Test func aSourceThatTakesCancellationForTheEndFails() async throws {
        let report = await Self.source(BrokenSources.EndsWhenCancelled(inner: Self.good))
        #expect(Self.failed(report) == ["cancellation-at-a-batch-boundary"])
        #expect(report.failures.first?.failure?.contains("as if the input had") == true, "\(report)")
    }

    @Test func aFullRefreshSourceIsHeldToItsOwnResumption() async {
        // Read as full refresh, an incremental source gives too little after a resume.
        let report = await SourceAcceptance(source: Self.good, reading: .fullRefresh, logger: TestLog.logger).run()
        #expect(Self.failed(report) == ["nothing-new-after-the-end", "resume-after-every-batch"])
    }

    static let records: [RawValue] = [
        .object([RawField("symbol", .string("A")), RawField("price", .string("1"))]),
        .object([RawField("symbol", .string("B"))]),
        .object([RawField("symbol", .string("C")), RawField("price", .string("3"))]),
        .object([RawField("symbol", .string("D")), RawField("price", .string("4"))]),
    ]

    @Test func transformsWithOneMistakeFailTheirCheck() {
        let cases: [(any Transformer, String, [String])] = [
            (BrokenTransforms.LosesRecords(), "loses", ["every-record-accounted-for"]),
            (BrokenTransforms.HidesAField(), "hides", ["check-fields-agrees"]),
            (BrokenTransforms.KeepsWhatItRejects(), "keeps", ["every-record-accounted-for"]),
            (BrokenTransforms.RemembersAcrossRuns(), "remembers", ["each-run-starts-fresh"]),
        ]
        for (step, name, expected) in cases {
            let report = TransformAcceptance(step: step, name: name, input: Self.records, batchSize: 2).run()
            #expect(Self.failed(report) == expected, "\(report)")
        }
    }

    @Test func aStoreThatForgetsItsCheckpointsFails() async throws {
        let suite = StoreAcceptance(name: "forgetful", logger: TestLog.logger) { body in
            let directory = try Paths.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = ForgetfulStore(inner: SQLiteStore(path: directory.appendingPathComponent("etl.sqlite").path))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
                defer { group.cancelAll() }
                _ = try await store.migrate(logger: TestLog.logger)
                try await body(store)
            }
        }
        let report = await suite.run()
        #expect(report.results.count == StoreAcceptance.checks.count)
        #expect(Self.failed(report).contains("a-re-run-changes-nothing"), "\(report)")
        #expect(Self.failed(report).contains("a-run-is-stored-and-recorded"), "\(report)")
    }
}
