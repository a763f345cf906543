import ETLFramework
import Foundation
import Logging

/// One run of a pipeline test file: reads it and the pipeline file it names, runs every case and
/// reports one line per case (and the first difference of a failing one) through `print`.
package enum PipelineTestSession {
    /// How many cases ran and failed.
    package struct Outcome: Sendable {
        package var cases: Int
        package var failed: Int
    }

    /// Throws ``ConfigErrors`` when the test file or the pipeline file has a mistake.
    package static func run(
        file: String, registry: ComponentRegistry, logger: Logger, print: (String) -> Void
    ) async throws -> Outcome {
        let directory = ConfigDocument.directory(of: file)
        let tests = try readTests(file)
        let pipelinesPath = tests.pipelines.hasPrefix("/") ? tests.pipelines : directory + "/" + tests.pipelines
        let loaded = try PipelineFileLoader(registry: registry).load(path: pipelinesPath, logger: logger)
        let runner = PipelineTestRunner(
            pipelines: Dictionary(loaded.pipelines.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
            directory: directory, logger: logger)
        var failed = 0
        for testCase in tests.tests {
            let outcome = await runner.run(testCase)
            if let mismatch = outcome.mismatch {
                failed += 1
                print("FAIL  \(outcome.name)  (\(testCase.position))")
                print("      \(mismatch.path)")
                print("      - expected: \(mismatch.expected)")
                print("      + got:      \(mismatch.got)")
            } else {
                print("ok    \(outcome.name)  (\(outcome.summary))")
            }
        }
        let name = (file as NSString).lastPathComponent
        print("\(name): \(tests.tests.count) cases, \(tests.tests.count - failed) passed, \(failed) failed")
        return Outcome(cases: tests.tests.count, failed: failed)
    }

    static func readTests(_ path: String) throws -> PipelineTestFile {
        let document = try ConfigDocument(
            text: ConfigDocument.text(ofFile: path), file: (path as NSString).lastPathComponent,
            environment: ProcessInfo.processInfo.environment)
        guard document.diagnostics.isEmpty else { throw ConfigErrors(document.diagnostics) }
        return try ConfigDecoder().decode(PipelineTestFile.self, from: document.root)
    }
}
