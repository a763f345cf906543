/// The configuration a component type accepts, declared once: the keys of its block, or (for a
/// transform step such as `drop: [a, b]`) the one value that stands for the whole block.
public struct ConfigSpec: Sendable {
    /// How the component's node is written.
    public enum Shape: Sendable {
        /// A mapping of declared keys.
        case block
        /// One value: the node itself is the first (only) key's value.
        case value
    }

    public var shape: Shape
    public var keys: [ConfigKeyDeclaration]

    /// A block of `keys`.
    public init(_ keys: any ConfigKeyDeclaring...) {
        self.init(keys: keys.map(\.declaration))
    }

    /// A block of `keys`.
    public init(keys: [ConfigKeyDeclaration]) {
        shape = .block
        self.keys = keys
    }

    /// The whole node is one value, read as `key` (`drop: [a, b]`, `rename: {old: new}`).
    public static func value(_ key: any ConfigKeyDeclaring) -> ConfigSpec {
        var spec = ConfigSpec(keys: [key.declaration])
        spec.shape = .value
        return spec
    }

    /// Reads `node` against the declaration; throws ``ConfigErrors`` with every problem found
    /// (unknown keys with the nearest known one, missing keys, wrong types, broken rules).
    public func values(of node: ConfigNode, ignoring ignoredKeys: Set<String> = []) throws -> ConfigValues {
        var problems = ConfigProblems()
        let values = read(node, ignoring: ignoredKeys, into: &problems)
        try problems.throwIfAny()
        return values ?? ConfigValues(spec: self)
    }

    func read(_ node: ConfigNode, ignoring ignoredKeys: Set<String> = [], into problems: inout ConfigProblems) -> ConfigValues? {
        var values = ConfigValues(spec: self)
        if shape == .value, let key = keys.first {
            if case .null = node.kind {
                if key.required { problems.append(node.diagnostic("a value is required: \(key.summary)")) }
                return values
            }
            if let value = key.read(node, &problems) { values.storage[key.name] = value }
            return values
        }
        let entries: [ConfigEntry]
        switch node.kind {
        case .mapping(let list): entries = list
        case .null: entries = []
        default:
            problems.append(node.diagnostic("expected a mapping, got \(node.kindName)"))
            return nil
        }
        let known = keys.map(\.name)
        for entry in entries where !known.contains(entry.key) && !ignoredKeys.contains(entry.key) {
            let suggestion = Suggestion.nearest(to: entry.key, in: known).map { " (did you mean \"\($0)\"?)" } ?? ""
            problems.append(ConfigDiagnostic(at: entry.keyPosition, keyPath: entry.value.keyPath, "unknown key \"\(entry.key)\"\(suggestion)"))
        }
        for key in keys {
            guard let entry = entries.first(where: { $0.key == key.name }) else {
                if key.required { problems.append(node.diagnostic("missing required key \"\(key.name)\": \(key.summary)")) }
                continue
            }
            if case .null = entry.value.kind {
                if key.required { problems.append(entry.value.diagnostic("a value is required")) }
                continue
            }
            if let value = key.read(entry.value, &problems) { values.storage[key.name] = value }
        }
        return values
    }
}

/// A component's block as read against its ``ConfigSpec``: every key's value, defaults applied.
public struct ConfigValues: Sendable {
    let spec: ConfigSpec
    var storage: [String: any Sendable] = [:]

    init(spec: ConfigSpec) {
        self.spec = spec
    }

    /// The values of a block that sets no key: every key's default.
    public init(defaultsOf spec: ConfigSpec) {
        self.spec = spec
    }

    /// The value of `key`: as written, or its default when absent.
    public subscript<Value>(_ key: ConfigKey<Value>) -> Value {
        if let value = storage[key.name] as? Value { return value }
        guard let fallback = key.fallback else {
            preconditionFailure("configuration key \"\(key.name)\" is required but was not read; declare it in the component's ConfigSpec")
        }
        return fallback
    }

    /// Whether every required key has a value.
    var hasRequiredKeys: Bool {
        spec.keys.allSatisfy { !$0.required || storage[$0.name] != nil }
    }

    /// Whether the block gives `key` a value (rather than its default).
    public func contains<Value>(_ key: ConfigKey<Value>) -> Bool {
        storage[key.name] != nil
    }
}
