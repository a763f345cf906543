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
        let count = loaded.pipelines.count == 1 ? "1 pipeline" : "\(loaded.pipelines.count) pipelines"
        print("\(loaded.file): OK (\(count): \(names))")
    }
}
