/// A component type a module offers under a YAML `type:` (or a transform step's key): its name,
/// its configuration, declared once, and the factory that builds it from a block already read
/// against that declaration.
public struct Registration<Product>: Sendable {
    public var type: String
    /// One line: what the component does.
    public var summary: String
    /// The keys it accepts; the registry reads the block against them before calling ``make``.
    public var config: ConfigSpec
    public var make: @Sendable (ComponentConfig) throws -> Product

    public init(
        type: String, summary: String, config: ConfigSpec, make: @escaping @Sendable (ComponentConfig) throws -> Product
    ) {
        self.type = type
        self.summary = summary
        self.config = config
        self.make = make
    }
}

/// A source type offered by an adapter module. Its factory builds the source and says how the
/// source's fields feed the unified schema by default (the normalizer starts from that).
public typealias SourceRegistration = Registration<SourceSetup>

/// A transform type offered by a module: a step of the chain, or a normalizer to end it. Its
/// factory gets the step's block (`rename: {...}`: the node is the value after the key).
public typealias TransformRegistration = Registration<TransformStep>

/// A store type offered by a sink module.
public typealias StoreRegistration = Registration<any Store>

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

/// What a transform registration builds.
public enum TransformStep: Sendable {
    /// A step that takes and gives records; any number of them chain.
    case records(any Transformer)
    /// The step that turns records into quotes; the last of a chain.
    case normalizer(any RecordNormalizer)
}
