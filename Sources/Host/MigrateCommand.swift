import ArgumentParser
import ETLFramework
import Foundation

/// `host migrate FILE`: applies pending schema migrations to the file's store.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending schema migrations to the store.")

    @OptionGroup var options: PipelineFileOptions

    func run() async throws {
        let (loaded, logger) = try options.load()
        let store = loaded.store
        do {
            let applied = try await withThrowingTaskGroup(of: [String]?.self) { group in
                group.addTask {
                    await store.run()
                    return nil
                }
                defer { group.cancelAll() }
                return try await withDeadline(.seconds(20), doing: "connecting to the database and migrating") {
                    try await store.migrate(logger: logger)
                }
            }
            print(applied.isEmpty ? "schema is up to date" : applied.map { "applied \($0)" }.joined(separator: "\n"))
        } catch {
            FileHandle.standardError.write(Data("error: \(RunFailure.message(for: error))\n".utf8))
            throw ExitCode(1)
        }
    }
}
