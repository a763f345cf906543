import ETLFramework

/// Every registered component type with its declared configuration, in a stable order: what
/// `host adapters` lists and `host docs` writes.
package struct ComponentCatalog: Sendable {
    /// The role a component plays in a pipeline.
    package enum Kind: String, Sendable, CaseIterable {
        case source, transform, store

        /// The plural, as section names say it.
        package var plural: String { rawValue + "s" }
    }

    /// One component type.
    package struct Entry: Sendable {
        package var kind: Kind
        package var type: String
        package var summary: String
        package var config: ConfigSpec
    }

    package var entries: [Entry]

    package init(registry: ComponentRegistry) {
        func entries<Product>(_ table: [String: Registration<Product>], _ kind: Kind) -> [Entry] {
            table.values.map { Entry(kind: kind, type: $0.type, summary: $0.summary, config: $0.config) }.sorted { $0.type < $1.type }
        }
        self.entries =
            entries(registry.sources, .source) + entries(registry.transforms, .transform) + entries(registry.stores, .store)
    }

    /// The entries of one kind.
    package func entries(of kind: Kind) -> [Entry] { entries.filter { $0.kind == kind } }
}

extension ConfigKeyDeclaration {
    /// This key and the keys of its nested block, with dotted names (`http.attempts`).
    var flattened: [(name: String, key: ConfigKeyDeclaration)] {
        [(name, self)] + nestedKeys.flatMap { nested in nested.flattened.map { ("\(name).\($0.name)", $0.key) } }
    }
}
