/// A source type offered by an adapter module. Its factory builds the source and says how the
/// source's fields feed the unified schema by default (the normalizer starts from that).
public struct SourceRegistration: Sendable {
    public var type: String
    public var summary: String
    public var keys: [ConfigKeyDoc]
    public var make: @Sendable (ComponentConfig) throws -> SourceSetup

    public init(
        type: String, summary: String, keys: [ConfigKeyDoc],
        make: @escaping @Sendable (ComponentConfig) throws -> SourceSetup
    ) {
        self.type = type
        self.summary = summary
        self.keys = keys
        self.make = make
    }
}

/// A configured source and the normalizer defaults that come with its type.
public struct SourceSetup: Sendable {
    public var source: any Source
    public var defaults: NormalizerDefaults

    public init(source: any Source, defaults: NormalizerDefaults) {
        self.source = source
        self.defaults = defaults
    }
}

/// What the normalizer needs to know of a source: which of its fields feed which unified field
/// (`transform: normalize: mapping` overrides it), and whether its values carry JSON types, so that
/// a string where a number belongs is an error (JSON APIs) rather than text to parse (CSV).
public struct NormalizerDefaults: Sendable, Hashable {
    public var mapping: FieldMapping
    public var typedValues: Bool

    public init(mapping: FieldMapping, typedValues: Bool) {
        self.mapping = mapping
        self.typedValues = typedValues
    }
}

/// A transform type offered by a module: a step of the chain, or a normalizer to end it.
public struct TransformRegistration: Sendable {
    public var type: String
    public var summary: String
    public var keys: [ConfigKeyDoc]
    /// Builds the step from its block (`rename: {...}`: the node is the value after the type).
    public var make: @Sendable (ComponentConfig) throws -> TransformStep

    public init(
        type: String, summary: String, keys: [ConfigKeyDoc],
        make: @escaping @Sendable (ComponentConfig) throws -> TransformStep
    ) {
        self.type = type
        self.summary = summary
        self.keys = keys
        self.make = make
    }
}

/// What a transform registration builds.
public enum TransformStep: Sendable {
    /// A step that takes and gives records; any number of them chain.
    case records(any Transformer)
    /// The step that turns records into quotes; the last of a chain.
    case normalizer(any RecordNormalizer)
}

/// A store type offered by a sink module.
public struct StoreRegistration: Sendable {
    public var type: String
    public var summary: String
    public var keys: [ConfigKeyDoc]
    public var make: @Sendable (ComponentConfig) throws -> any Store

    public init(
        type: String, summary: String, keys: [ConfigKeyDoc],
        make: @escaping @Sendable (ComponentConfig) throws -> any Store
    ) {
        self.type = type
        self.summary = summary
        self.keys = keys
        self.make = make
    }
}

/// Documentation of one configuration key, listed by `host adapters`.
public struct ConfigKeyDoc: Sendable, Hashable {
    public var name: String
    public var type: String
    public var required: Bool
    public var summary: String

    public init(_ name: String, _ type: String, required: Bool = false, _ summary: String) {
        self.name = name
        self.type = type
        self.required = required
        self.summary = summary
    }
}
