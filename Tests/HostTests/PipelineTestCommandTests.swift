import Foundation
import Testing
import TestSupport

/// `host test FILE` as a user meets it: the shipped tests pass, a wrong expectation fails with the
/// first difference and exit 1, a mistake in the test file exits 2 with its position.
@Suite struct PipelineTestCommandTests {
    @Test func theShippedPipelineTestsAndTheWorkedExamplePass() async throws {
        let shipped = try await HostProcess.run(["test", "pipelines.test.yaml"], in: Paths.packageRoot)
        #expect(shipped.status == 0, "\(shipped.stdout)\(shipped.stderr)")
        #expect(shipped.stdout.contains("ok    a recorded CoinGecko page maps exactly  (16 records, 0 filtered, 0 quarantined)"))
        #expect(shipped.stdout.hasSuffix("pipelines.test.yaml: 4 cases, 4 passed, 0 failed\n"), "\(shipped.stdout)")
        let example = try await HostProcess.run(["test", "examples/exchange-export.test.yaml"], in: Paths.packageRoot)
        #expect(example.status == 0, "\(example.stdout)\(example.stderr)")
        #expect(example.stdout.contains("(3 records, 2 filtered, 1 quarantined)"))
    }

    static let pipelines = """
        store: {url: "sqlite:db.sqlite"}
        pipelines:
          - name: csv
            source: {type: csv, path: prices.csv}
            transform:
              - filter: { where: "price_usd > 1" }
        """

    @Test func aWrongExpectationFailsWithTheFirstDifference() async throws {
        let directory = try PipelineMistakesCLITests.scratch([
            "p.yaml": Self.pipelines,
            "t.yaml": """
            pipelines: p.yaml
            tests:
              - name: cheap coins are filtered out
                pipeline: csv
                input:
                  - { symbol: BTC, name: Bitcoin, price_usd: "45000.5" }
                  - { symbol: DOGE, name: Dogecoin, price_usd: "0.09" }
                expect:
                  records: [{ ticker: BTC, price_usd: "45000.50" }]
                  filtered: 1
              - name: a wrong price
                pipeline: csv
                input: [{ symbol: BTC, price_usd: "45000.5" }]
                expect: { records: [{ ticker: BTC, price_usd: "45000.6" }] }
              - name: a wrong count of quarantined records
                pipeline: csv
                input: [{ symbol: BTC, price_usd: "lots" }]
                expect: { quarantined: [] }
              - name: a mapping that does not fit fails like the run would
                pipeline: csv
                input: [{ sym: BTC, price_usd: "2" }]
                expect: { error: "names \\"symbol\\", which the data does not have" }
            """,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await HostProcess.run(["test", "t.yaml"], in: directory)
        #expect(output.status == 1)
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines == [
                "ok    cheap coins are filtered out  (1 records, 1 filtered, 0 quarantined)",
                "FAIL  a wrong price  (t.yaml:11:5)",
                "      records[0].price_usd",
                "      - expected: 45000.6",
                "      + got:      45000.5",
                "FAIL  a wrong count of quarantined records  (t.yaml:15:5)",
                "      quarantined",
                "      - expected: 0 quarantined",
                "      + got:      1 (next: input record 1: filter: where price_usd > 1: price_usd ('lots') is text where a number is needed (>))",
                "ok    a mapping that does not fit fails like the run would  (0 records, 0 filtered, 0 quarantined)",
                "t.yaml: 4 cases, 2 passed, 2 failed",
                "",
            ], "\(output.stdout)")
    }

    @Test func aMistakeInTheTestFileExits2WithItsPosition() async throws {
        let directory = try PipelineMistakesCLITests.scratch([
            "p.yaml": Self.pipelines,
            "t.yaml": """
            pipelines: p.yaml
            tests:
              - name: no input
                pipeline: csv
                expect: { records: [{ tikcer: BTC }], count: many }
            """,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await HostProcess.run(["test", "t.yaml"], in: directory)
        #expect(output.status == 2)
        #expect(
            output.stderr.contains("t.yaml:3:5: tests[0]: a case gives either input (records) or input_file (a recorded file)"), "\(output.stderr)")
        #expect(output.stderr.contains("unknown unified field \"tikcer\" (did you mean \"ticker\"?)"), "\(output.stderr)")
        #expect(output.stderr.contains("expected an integer, got \"many\""), "\(output.stderr)")
    }
}
