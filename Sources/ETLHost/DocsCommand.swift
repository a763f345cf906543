import ArgumentParser
import ETLFramework
import Foundation

/// `host docs`: writes the configuration reference (one Markdown page per source, transform and
/// store type) from the registered components' declarations, or checks a written one is current.
struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs", abstract: "Write the configuration reference of every registered component as Markdown.")

    @Option(help: "The directory to write (docs/reference in this repository).")
    var output: String = "docs/reference"

    @Flag(help: "Write nothing; exit 1 when the directory differs from what would be written.")
    var check = false

    func run() throws {
        let pages = ReferencePages.pages(ComponentCatalog(registry: ETLHost.plugins))
        let differences = Self.differences(pages, in: output)
        if check {
            for line in differences { print(line) }
            if !differences.isEmpty {
                print("\(output) is out of date: run host docs --output \(output)")
                throw ExitCode(1)
            }
            print("\(output): \(pages.count) pages, current")
            return
        }
        for (path, text) in pages.sorted(by: { $0.key < $1.key }) {
            let url = URL(fileURLWithPath: output).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        for stale in Self.pagesOnDisk(in: output) where pages[stale] == nil {
            try FileManager.default.removeItem(atPath: output + "/" + stale)
        }
        print("wrote \(pages.count) pages to \(output)")
    }

    /// What differs between `pages` and the Markdown files under `directory`, one line each.
    static func differences(_ pages: [String: String], in directory: String) -> [String] {
        var lines: [String] = []
        for (path, text) in pages.sorted(by: { $0.key < $1.key }) {
            let written = FileManager.default.contents(atPath: directory + "/" + path).map { String(decoding: $0, as: UTF8.self) }
            if written == nil { lines.append("missing: \(path)") } else if written != text { lines.append("differs: \(path)") }
        }
        for stale in pagesOnDisk(in: directory) where pages[stale] == nil { lines.append("not generated: \(stale)") }
        return lines
    }

    /// The Markdown files under `directory`, as relative paths.
    static func pagesOnDisk(in directory: String) -> [String] {
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".md") }.sorted()
    }
}
