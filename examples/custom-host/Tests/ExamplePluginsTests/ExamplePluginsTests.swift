import ETLFramework
import ETLTesting
import ExamplePlugins
import Foundation
import Logging
import Testing

/// The example's plugins pass the acceptance suites every source and transform must pass.
@Suite struct ExamplePluginsTests {
    static let logger = Logger(label: "example-tests")

    /// The recorded CoinGecko answer, one record per line.
    static var markets: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data/markets.jsonl").standardizedFileURL
    }

    // snippet: source-acceptance
    @Test func theJSONLinesSourcePassesTheSourceSuite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jsonl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try String(contentsOf: Self.markets, encoding: .utf8).split(separator: "\n").map(String.init)
        let bad = directory.appendingPathComponent("bad.jsonl")
        try (lines[0..<3] + ["{\"symbol\": \"cut", "[1, 2]"] + lines[3..<5]).joined(separator: "\n").appending("\n")
            .write(to: bad, atomically: true, encoding: .utf8)
        let report = await SourceAcceptance(
            source: JSONLinesSource(path: Self.markets.path, displayPath: "markets.jsonl"), expectedRecords: 16,
            badInput: JSONLinesSource(path: bad.path, displayPath: "bad.jsonl"), expectedBadRecords: 7, logger: Self.logger
        ).run()
        #expect(report.passed, "\(report)")
    }
    // end-snippet

    @Test func theUppercaseStepPassesTheTransformSuite() {
        let input: [RawValue] = [
            .object([RawField("symbol", .string("btc")), RawField("name", .string("Bitcoin"))]),
            .object([RawField("symbol", .string("eth")), RawField("name", .number("7"))]),
            .object([RawField("symbol", .string("sol")), RawField("name", .null)]),
        ]
        let report = TransformAcceptance(step: UppercaseStep(fields: ["name"]), name: "uppercase", input: input).run()
        #expect(report.passed, "\(report)")
    }
}
