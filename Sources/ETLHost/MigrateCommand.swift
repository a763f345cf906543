import ArgumentParser
import ETLFramework
import Server
import Foundation

/// `host migrate FILE`: applies pending schema migrations to the file's store.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending schema migrations to the store.")

    @OptionGroup var options: PipelineFileOptions

    func run() async throws {
        let (loaded, logger) = try options.load()
        do {
            let applied = try await withStore(loaded.store, logger: logger, maintain: false) { $0 }
            print(applied.isEmpty ? "schema is up to date" : applied.map { "applied \($0)" }.joined(separator: "\n"))
        } catch {
            FileHandle.standardError.write(Data("error: \(RunFailure.message(for: error))\n".utf8))
            throw ExitCode(1)
        }
    }
}
