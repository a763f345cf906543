import ArgumentParser
import ETLFramework
import Foundation

/// `host adapters`: lists the registered source, transform and store types with their keys, as
/// text or (`--format json`) as one JSON document, from each component's declared configuration.
struct AdaptersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapters", abstract: "List the registered source, transform and store types and their keys.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "text or json.")
    var format: Format = .text

    func run() {
        let catalog = ComponentCatalog(registry: ETLHost.plugins)
        switch format {
        case .text: print(Self.text(catalog))
        case .json: print(Self.json(catalog).jsonText)
        }
    }

    static func text(_ catalog: ComponentCatalog) -> String {
        var lines: [String] = []
        for kind in ComponentCatalog.Kind.allCases {
            lines.append("\(kind.plural):")
            for entry in catalog.entries(of: kind) {
                lines.append("  \(entry.type): \(entry.summary)")
                for key in entry.config.keys {
                    for (name, declaration) in key.flattened {
                        let label = entry.config.shape == .value ? "(the value)" : name
                        var facts = [declaration.typeName]
                        if declaration.required { facts.append("required") }
                        if let value = declaration.defaultText { facts.append("default \(value)") }
                        if let rule = declaration.constraint { facts.append(rule) }
                        lines.append("    \(label) (\(facts.joined(separator: ", "))): \(declaration.summary)")
                    }
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `{"sources": [{"type", "summary", "shape", "keys": [{"name", "type", "required", "default", "allowed", "summary", "keys"}]}], ...}`.
    static func json(_ catalog: ComponentCatalog) -> RawValue {
        func key(_ declaration: ConfigKeyDeclaration) -> RawValue {
            var fields = [
                RawField("name", .string(declaration.name)), RawField("type", .string(declaration.typeName)),
                RawField("required", .bool(declaration.required)),
                RawField("default", declaration.defaultText.map { .string($0) } ?? .null),
                RawField("allowed", declaration.constraint.map { .string($0) } ?? .null), RawField("summary", .string(declaration.summary)),
            ]
            if !declaration.nestedKeys.isEmpty { fields.append(RawField("keys", .array(declaration.nestedKeys.map(key)))) }
            return .object(fields)
        }
        return .object(
            ComponentCatalog.Kind.allCases.map { kind in
                RawField(
                    kind.plural,
                    .array(
                        catalog.entries(of: kind).map { entry in
                            .object([
                                RawField("type", .string(entry.type)), RawField("summary", .string(entry.summary)),
                                RawField("shape", .string(entry.config.shape == .value ? "value" : "block")),
                                RawField("keys", .array(entry.config.keys.map(key))),
                            ])
                        }))
            })
    }
}
