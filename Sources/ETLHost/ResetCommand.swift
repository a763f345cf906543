import ArgumentParser
import ETLFramework
import Server
import Foundation

/// `host reset FILE --pipeline NAME`: forgets a pipeline's checkpoint, so that its next run reads the
/// source from the start. Rows already stored are then skipped as unchanged; rows quarantined before
/// (by a mapping or format since fixed) load.
struct ResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Forget a pipeline's checkpoint: its next run reads the source from the start.",
        discussion: """
            Use it after fixing a mapping or a timestamp format: the rows already stored are skipped as \
            unchanged, and the rows quarantined before load. On a terminal it asks for confirmation \
            unless --yes is given.
            """)

    @OptionGroup var options: PipelineFileOptions

    @Option(help: "The pipeline whose checkpoint to forget.")
    var pipeline: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        let (loaded, logger) = try options.load()
        guard loaded.pipelines.contains(where: { $0.name == pipeline }) else {
            throw ValidationError(
                "unknown pipeline \(pipeline); the file has "
                    + loaded.pipelines.map(\.name).joined(separator: ", "))
        }
        if !yes, isatty(STDIN_FILENO) == 1 {
            print("Forget the checkpoint of pipeline \(pipeline)? Its next run reads the source from the start. [y/N] ", terminator: "")
            guard let answer = readLine()?.lowercased(), ["y", "yes"].contains(answer) else {
                print("nothing changed")
                throw ExitCode(1)
            }
        }
        let name = pipeline
        do {
            // Under the run lock, so that a run in progress cannot write its checkpoint back.
            let existed = try await withStore(loaded.store, logger: logger, maintain: false) { _ in
                try await loaded.store.withRunLock(pipeline: name, logger: logger) {
                    try await loaded.store.resetCheckpoint(for: name, logger: logger)
                }
            }
            print(
                existed
                    ? "checkpoint of \(name) forgotten: its next run reads the source from the start"
                    : "\(name) had no checkpoint: its next run reads the source from the start")
        } catch let busy as PipelineBusy {
            FileHandle.standardError.write(Data("error: \(busy); try again when it has finished\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("error: \(RunFailure.message(for: error))\n".utf8))
            throw ExitCode(1)
        }
    }
}
