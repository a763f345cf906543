import Foundation
import Mustache

/// The dashboard's HTML templates (`Resources/templates/*.mustache`), loaded once. Values are
/// escaped by the template engine (`{{value}}`); no page is assembled by string concatenation.
enum Templates {
    static let library: MustacheLibrary = {
        guard let directory = Bundle.module.url(forResource: "templates", withExtension: nil) else {
            preconditionFailure("the resource directory templates is missing from the Server module's bundle")
        }
        var library = MustacheLibrary()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files where file.hasSuffix(".mustache") {
            do {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                try library.register(text, named: String(file.dropLast(".mustache".count)))
            } catch {
                preconditionFailure("template \(file) does not parse: \(error)")
            }
        }
        return library
    }()

    /// `template` rendered with `context` (dictionaries, arrays and scalars).
    static func render(_ template: String, _ context: [String: Any]) -> String {
        guard let html = library.render(context, withTemplate: template) else {
            preconditionFailure("no template \(template)")
        }
        return html
    }
}
