import ETLFramework
import Foundation
import Logging

/// Runs the cases of a pipeline test file through the real parsers and chains, and compares.
struct PipelineTestRunner {
    let pipelines: [String: Pipeline]
    /// Directory of the test file; `input_file` paths are resolved against it.
    let directory: String
    let logger: Logger

    /// A case's verdict: `nil` when it passed, else the first difference.
    struct Outcome {
        var name: String
        var summary: String
        var mismatch: Mismatch?
    }

    /// Where the result and the expectation first differ.
    struct Mismatch {
        var path: String
        var expected: String
        var got: String
    }

    func run(_ testCase: PipelineTestCase) async -> Outcome {
        guard let pipeline = pipelines[testCase.pipeline] else {
            let hint = Suggestion.nearest(to: testCase.pipeline, in: Array(pipelines.keys)).map { " (did you mean \"\($0)\"?)" } ?? ""
            return Outcome(
                name: testCase.name, summary: "",
                mismatch: Mismatch(path: "pipeline", expected: "a pipeline of the file\(hint)", got: testCase.pipeline))
        }
        let result: DryRun.Result
        do {
            result = try await DryRun.run(pipeline, reader: try await reader(for: testCase, pipeline: pipeline))
        } catch {
            return Outcome(name: testCase.name, summary: "", mismatch: Mismatch(path: "input", expected: "readable input", got: "\(error)"))
        }
        let summary = "\(result.quotes.count) records, \(result.filtered) filtered, \(result.rejections.count) quarantined"
        return Outcome(name: testCase.name, summary: summary, mismatch: Self.compare(result, testCase.expect))
    }

    func reader(for testCase: PipelineTestCase, pipeline: Pipeline) async throws -> any SourceReader {
        if let file = testCase.inputFile {
            let path = file.hasPrefix("/") ? file : directory + "/" + file
            guard FileManager.default.fileExists(atPath: path) else { throw InputFileMissing(path: file) }
            return try await pipeline.source.recorded(at: path, logger: logger)
        }
        let records = (testCase.input ?? []).enumerated().map { index, record in
            RawRecord(payload: record.payload, location: RecordLocation(description: "input record \(index + 1)"), receivedAt: Date())
        }
        return RecordListReader(records: records)
    }

    struct InputFileMissing: Error, CustomStringConvertible {
        var path: String
        var description: String { "input_file \(path) does not exist" }
    }

    static func compare(_ result: DryRun.Result, _ expect: Expectation) -> Mismatch? {
        if let failure = result.failure {
            guard let error = expect.error else { return Mismatch(path: "run", expected: "records", got: failure) }
            return failure.contains(error) ? nil : Mismatch(path: "error", expected: "a message containing \"\(error)\"", got: failure)
        }
        if let error = expect.error { return Mismatch(path: "error", expected: "a run failing with \"\(error)\"", got: "no failure") }
        if let count = expect.count, count != result.quotes.count {
            return Mismatch(path: "count", expected: "\(count)", got: "\(result.quotes.count)")
        }
        if let filtered = expect.filtered, filtered != result.filtered {
            return Mismatch(path: "filtered", expected: "\(filtered)", got: "\(result.filtered)")
        }
        for (records, complete) in [(expect.firstRecords, false), (expect.records, true)] {
            guard let records else { continue }
            for (index, expected) in records.enumerated() {
                guard index < result.quotes.count else {
                    return Mismatch(path: "records[\(index)]", expected: "a record", got: "only \(result.quotes.count) records")
                }
                for (name, value) in expected.fields {
                    let got = Self.field(name, of: result.quotes[index])
                    if !Self.same(name, expected: value, got: got) {
                        return Mismatch(path: "records[\(index)].\(name)", expected: value ?? "(empty)", got: got ?? "(empty)")
                    }
                }
            }
            if complete, records.count != result.quotes.count {
                let extra = result.quotes[records.count...].prefix(3).map(\.ticker).joined(separator: ", ")
                return Mismatch(
                    path: "records", expected: "\(records.count) records",
                    got: "\(result.quotes.count) records" + (extra.isEmpty ? "" : " (more: \(extra))"))
            }
        }
        if let quarantined = expect.quarantined {
            for (index, expected) in quarantined.enumerated() {
                guard index < result.rejections.count else {
                    return Mismatch(path: "quarantined[\(index)]", expected: "a quarantined record", got: "only \(result.rejections.count)")
                }
                let rejection = result.rejections[index]
                if let field = expected.field, field != rejection.field {
                    return Mismatch(path: "quarantined[\(index)].field", expected: field, got: rejection.field ?? "(none)")
                }
                if let reason = expected.reason, !rejection.reason.contains(reason) {
                    return Mismatch(path: "quarantined[\(index)].reason", expected: "containing \"\(reason)\"", got: rejection.reason)
                }
            }
            if quarantined.count != result.rejections.count {
                let more = result.rejections[min(quarantined.count, result.rejections.count)...].first
                return Mismatch(
                    path: "quarantined", expected: "\(quarantined.count) quarantined",
                    got: "\(result.rejections.count)" + (more.map { " (next: \($0.location): \($0.reason))" } ?? ""))
            }
        }
        return nil
    }

    /// A quote's field as text: decimals in plain notation, times in ISO 8601.
    static func field(_ name: String, of quote: Quote) -> String? {
        UnifiedField(rawValue: name).map { quote.text(of: $0) } ?? quote.assetKey
    }

    static let decimalFields: Set<String> = Set(
        [UnifiedField.priceUSD, .marketCapUSD, .volume24hUSD, .percentChange24h].map(\.rawValue))

    /// Decimals compare by value (`45000.50` is `45000.5`), times by instant, the rest as text.
    static func same(_ name: String, expected: String?, got: String?) -> Bool {
        guard let expected, let got else { return (expected ?? "").isEmpty && (got ?? "").isEmpty }
        if Self.decimalFields.contains(name),
            case .success(let parsed) = DecimalText.parse(expected)
        {
            return parsed.value.description == got
        }
        if name == "observed_at", let a = TimestampParser().parse(expected), let b = TimestampParser().parse(got) {
            return a == b
        }
        return expected == got
    }
}
