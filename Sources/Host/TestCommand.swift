import ArgumentParser
import ETLFramework
import Foundation
import Logging

/// `host test FILE`: runs a pipeline test file without a database. Each case's records (or a
/// recorded file, read by the source's own parser) go through the real chain; one line per case,
/// the first difference of a failing one, exit 1 when any fails.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run a pipeline test file (no database needed).",
        discussion: """
            A test file names a pipeline file (pipelines:) and lists cases (tests:), each with a pipeline, \
            input records or an input_file, and what to expect: records, count, filtered, quarantined or error. \
            Exit status: 0 when every case passes, 1 when one fails, 2 when a file has a mistake.
            """)

    @Argument(help: "The pipeline test file.")
    var file: String = "pipelines.test.yaml"

    func run() async throws {
        let level = JSONLogHandler.level(from: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "warning")
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, logLevel: level) }
        let logger = Logger(label: "host")
        let directory = PipelineTestCommandFiles.directory(of: file)
        let (tests, loaded): (PipelineTestFile, LoadedPipelineFile)
        do {
            tests = try PipelineTestCommandFiles.readTests(file)
            let pipelinesPath = tests.pipelines.hasPrefix("/") ? tests.pipelines : directory + "/" + tests.pipelines
            loaded = try PipelineFileLoader(registry: Plugins.registry).load(path: pipelinesPath, logger: logger)
        } catch let errors as ConfigErrors {
            for diagnostic in errors.diagnostics {
                FileHandle.standardError.write(Data("\(Redaction.redactURLPasswords(diagnostic.description))\n".utf8))
            }
            throw ExitCode(2)
        }
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
        if failed > 0 { throw ExitCode(1) }
    }
}

/// Reading a pipeline test file.
enum PipelineTestCommandFiles {
    static func readTests(_ path: String) throws -> PipelineTestFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors([ConfigDiagnostic(
                at: ConfigPosition(file: path, line: 1, column: 1), keyPath: "",
                "cannot read the file (\((error as NSError).localizedDescription))")])
        }
        let name = (path as NSString).lastPathComponent
        let document = try ConfigDocument(text: text, file: name, environment: ProcessInfo.processInfo.environment)
        guard document.diagnostics.isEmpty else { throw ConfigErrors(document.diagnostics) }
        return try ConfigDecoder().decode(PipelineTestFile.self, from: document.root)
    }

    static func directory(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).deletingLastPathComponent
    }
}
