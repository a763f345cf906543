import ETLFramework
import Foundation
import Logging
import StandardPlugins
import Testing
import TestSupport

@testable import ETLHost

/// The configuration reference, `host adapters` and `host validate` all come from the components'
/// declarations: one key declared shows up in each, with no other edit.
@Suite struct ReferenceTests {
    /// A transform as a plugin author would declare it: `tag: {label: ..., times: N}`.
    enum TagStep {
        static let label = ConfigKey.required("label", String.self, allowed: .notEmpty, "the text to tag records with")
        static let times = ConfigKey("times", default: 1, allowed: .range(1...9), "how many times to repeat it")

        static let registration = TransformRegistration(type: "tag", summary: "Tags every record", config: ConfigSpec(label, times)) {
            config in
            _ = (config[label], config[times])
            return .records(Passing())
        }

        struct Passing: Transformer {
            func transform(_ records: [ChainRecord]) -> StepOutput { StepOutput(records: records) }
        }
    }

    static let registry: ComponentRegistry = {
        var registry = StandardPlugins.registry
        registry.register(TagStep.registration)
        return registry
    }()

    @Test func theCheckedInReferenceIsWhatHostDocsWrites() {
        let pages = ReferencePages.pages(ComponentCatalog(registry: StandardPlugins.registry))
        let differences = DocsCommand.differences(pages, in: Paths.packageRoot.appendingPathComponent("docs/reference").path)
        #expect(differences.isEmpty, "run host docs --output docs/reference: \(differences)")
        #expect(pages.count == 13)
    }

    @Test func aDeclaredKeyAppearsInTheReferenceAndInHostAdapters() throws {
        let catalog = ComponentCatalog(registry: Self.registry)
        let page = try #require(ReferencePages.pages(catalog)["transforms/tag.md"])
        #expect(page.contains("| `times` | integer |  | `1` | 1...9 | how many times to repeat it |"), "\(page)")
        #expect(page.contains("| `label` | string | yes |  | not empty | the text to tag records with |"), "\(page)")
        #expect(ReferencePages.pages(catalog)["README.md"]?.contains("[`tag`](transforms/tag.md)") == true)
        let json = AdaptersCommand.json(catalog).jsonText
        #expect(
            json.contains(
                #"{"name":"times","type":"integer","required":false,"default":"1","allowed":"1...9","summary":"how many times to repeat it"}"#),
            "\(json)")
        #expect(AdaptersCommand.text(catalog).contains("    times (integer, default 1, 1...9): how many times to repeat it"))
    }

    @Test func aDeclaredKeyIsCheckedByValidateWithItsPosition() {
        let problems = Self.problems(
            """
                transform:
                  - tag: {lable: x, times: 12}
            """)
        #expect(problems.contains("p.yaml:6:15: pipelines[0].transform[0].tag.lable: unknown key \"lable\" (did you mean \"label\"?)"), "\(problems)")
        #expect(problems.contains("p.yaml:6:32: pipelines[0].transform[0].tag.times: times must be between 1 and 9, got 12"), "\(problems)")
        #expect(problems.contains { $0.contains("missing required key \"label\": the text to tag records with") }, "\(problems)")
        #expect(Self.problems("    transform: [{tag: {label: x}}]").isEmpty)
    }

    static func problems(_ transform: String) -> [String] {
        let text = """
            store: {type: sqlite, path: db.sqlite}
            pipelines:
              - name: tagged
                source: {type: csv, path: a.csv}

            """ + transform + "\n"
        do {
            _ = try PipelineFileLoader(registry: registry, environment: [:]).load(
                text: text, file: "p.yaml", baseDirectory: "/tmp", logger: Logger(label: "test"))
            return []
        } catch let errors as ConfigErrors {
            return errors.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }
}
