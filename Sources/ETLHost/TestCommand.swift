import ArgumentParser
import ETLFramework
import HostSupport
import Server
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
        let logger = HostLogging.bootstrap(defaultLevel: "warning")
        let outcome: PipelineTestSession.Outcome
        do {
            outcome = try await PipelineTestSession.run(file: file, registry: ETLHost.plugins, logger: logger) { print($0) }
        } catch let errors as ConfigErrors {
            throw HostLogging.reported(errors)
        }
        if outcome.failed > 0 { throw ExitCode(1) }
    }
}
