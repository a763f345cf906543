import ArgumentParser
import ETLFramework
import Foundation

/// `host validate FILE`: checks the file and prints every problem; where a source's fields can be
/// read without the network (a CSV file's header), also checks each mapping against them.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a pipeline file; print every problem with its position.")

    @OptionGroup var options: PipelineFileOptions

    func run() async throws {
        let (loaded, logger) = try options.load()
        var errors: [String] = []
        for pipeline in loaded.pipelines {
            let report: FieldReport
            do {
                guard let fields = try await pipeline.source.peekFieldNames(logger: logger) else { continue }
                report = pipeline.transforms.fieldReport(available: fields, receiptTime: pipeline.source.receiptTimeMeaning)
            } catch {
                report = FieldReport(errors: ["\(error)"])
            }
            errors += report.errors.map { "\(loaded.file): pipeline \(pipeline.name): \($0)" }
            for note in report.notes { print("\(loaded.file): pipeline \(pipeline.name): note: \(note)") }
        }
        guard errors.isEmpty else {
            for error in errors { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
            throw ExitCode(2)
        }
        let names = loaded.pipelines.map(\.name).joined(separator: ", ")
        let count = loaded.pipelines.count == 1 ? "1 pipeline" : "\(loaded.pipelines.count) pipelines"
        print("\(loaded.file): OK (\(count): \(names))")
    }
}
