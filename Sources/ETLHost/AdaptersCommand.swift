import ArgumentParser
import ETLFramework
import Foundation

/// `host adapters`: lists the registered source, transform and store types with their keys, as
/// text or (`--format json`) as one JSON document.
struct AdaptersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapters", abstract: "List the registered source, transform and store types and their keys.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "text or json.")
    var format: Format = .text

    /// One registered type, whatever its kind.
    struct Entry {
        var type: String
        var summary: String
        var keys: [ConfigKeyDoc]
    }

    static var sections: [(kind: String, entries: [Entry])] {
        let registry = ETLHost.plugins
        func entries<Product>(_ table: [String: Registration<Product>]) -> [Entry] {
            table.values.map { Entry(type: $0.type, summary: $0.summary, keys: $0.keys) }.sorted { $0.type < $1.type }
        }
        return [("sources", entries(registry.sources)), ("transforms", entries(registry.transforms)), ("stores", entries(registry.stores))]
    }

    func run() {
        switch format {
        case .text:
            for (kind, entries) in Self.sections {
                print("\(kind):")
                for entry in entries { print(describe(entry)) }
            }
        case .json:
            print(Self.json.jsonText)
        }
    }

    func describe(_ entry: Entry) -> String {
        var lines = ["  \(entry.type): \(entry.summary)"]
        for key in entry.keys {
            lines.append("    \(key.name) (\(key.type)\(key.required ? ", required" : "")): \(key.summary)")
        }
        return lines.joined(separator: "\n")
    }

    /// `{"sources": [{"type", "summary", "keys": [{"name", "type", "required", "summary"}]}], "transforms": [...], "stores": [...]}`.
    static var json: RawValue {
        .object(
            sections.map { kind, entries in
                RawField(
                    kind,
                    .array(
                        entries.map { entry in
                            .object([
                                RawField("type", .string(entry.type)), RawField("summary", .string(entry.summary)),
                                RawField(
                                    "keys",
                                    .array(
                                        entry.keys.map { key in
                                            .object([
                                                RawField("name", .string(key.name)), RawField("type", .string(key.type)),
                                                RawField("required", .bool(key.required)), RawField("summary", .string(key.summary)),
                                            ])
                                        })),
                            ])
                        }))
            })
    }
}
