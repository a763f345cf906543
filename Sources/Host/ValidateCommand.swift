import ArgumentParser
import ETLFramework

/// `host validate FILE`: checks the file and prints every problem.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a pipeline file; print every problem with its position.")

    @OptionGroup var options: PipelineFileOptions

    func run() async throws {
        let (loaded, _) = try options.load()
        let names = loaded.pipelines.map(\.name).joined(separator: ", ")
        print("\(loaded.file): OK (\(loaded.pipelines.count) pipelines: \(names))")
    }
}
