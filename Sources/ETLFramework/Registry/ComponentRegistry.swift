import Logging

/// Maps a YAML `type:` to the factory that decodes that component's own keys and builds it.
///
/// Each adapter module offers one `register(into:)`; the host calls them all from its one list of
/// plugins. The registry is a value: build it once, then share it.
public struct ComponentRegistry: Sendable {
    public private(set) var sources: [String: SourceRegistration] = [:]
    public private(set) var stores: [String: StoreRegistration] = [:]
    public private(set) var transforms: [String: TransformRegistration] = [:]

    public init() {}

    public mutating func register(_ registration: SourceRegistration) {
        Self.add(registration, to: &sources, kind: "source")
    }

    public mutating func register(_ registration: TransformRegistration) {
        Self.add(registration, to: &transforms, kind: "transform")
    }

    public mutating func register(_ registration: StoreRegistration) {
        Self.add(registration, to: &stores, kind: "store")
    }

    /// Builds the source a `source:` block describes, with its normalizer defaults.
    public func makeSource(_ spec: ComponentSpec, context: ComponentContext) throws -> SourceSetup {
        try make(spec, from: sources, kind: "source", context: context)
    }

    /// Builds one step of a `transform:` list (`spec.type` is the step's key, `spec.node` its value).
    public func makeTransform(_ spec: ComponentSpec, context: ComponentContext) throws -> TransformStep {
        try make(spec, from: transforms, kind: "transform", context: context)
    }

    /// Builds the store a `store:` block describes (no connection is opened yet).
    public func makeStore(_ spec: ComponentSpec, context: ComponentContext) throws -> any Store {
        try make(spec, from: stores, kind: "store", context: context)
    }

    static func add<Product>(_ registration: Registration<Product>, to table: inout [String: Registration<Product>], kind: String) {
        precondition(table[registration.type] == nil, "\(kind) type \(registration.type) registered twice")
        table[registration.type] = registration
    }

    func make<Product>(
        _ spec: ComponentSpec, from table: [String: Registration<Product>], kind: String, context: ComponentContext
    ) throws -> Product {
        guard let registration = table[spec.type] else {
            throw unknownType(spec, kind: kind, known: Array(table.keys))
        }
        // The declared keys are read first; the factory's own checks (one key against another) run
        // too when every required key has a value, so that one pass reports every problem. Wrong
        // values read as their defaults meanwhile, and the factory's words about them are left out.
        var problems = ConfigProblems()
        guard let values = registration.config.read(spec.node, ignoring: ["type"], into: &problems), values.hasRequiredKeys else {
            try problems.throwIfAny()
            throw ConfigErrors([spec.node.diagnostic("\(kind) \(spec.type) is missing a required key")])
        }
        do {
            let product = try registration.make(ComponentConfig(spec: spec, context: context, values: values))
            try problems.throwIfAny()
            return product
        } catch let errors as ConfigErrors where !problems.isEmpty {
            let reported = Set(problems.diagnostics.map(\.keyPath))
            throw ConfigErrors(problems.diagnostics + errors.diagnostics.filter { !reported.contains($0.keyPath) })
        }
    }

    func unknownType(_ spec: ComponentSpec, kind: String, known: [String]) -> ConfigErrors {
        let node = spec.typeNode ?? spec.node["type"] ?? spec.node
        let hint =
            Suggestion.nearest(to: spec.type, in: known).map { " (did you mean \"\($0)\"?)" }
            ?? " (known: \(known.sorted().joined(separator: ", ")))"
        return ConfigErrors([node.diagnostic("unknown \(kind) type \"\(spec.type)\"\(hint)")])
    }
}

/// What a component factory may use besides its own keys.
public struct ComponentContext: Sendable {
    /// Directory of the pipeline file; relative paths in it are resolved against this.
    public var baseDirectory: String
    /// Name of the pipeline being built, when building a source or a transform.
    public var pipeline: String?
    /// The normalizer defaults of the pipeline's source, when building a transform.
    public var source: NormalizerDefaults?
    public var logger: Logger

    public init(baseDirectory: String, pipeline: String? = nil, source: NormalizerDefaults? = nil, logger: Logger) {
        self.baseDirectory = baseDirectory
        self.pipeline = pipeline
        self.source = source
        self.logger = logger
    }

    /// `path` made absolute against ``baseDirectory``.
    public func resolve(path: String) -> String {
        path.hasPrefix("/") ? path : baseDirectory + "/" + path
    }
}

/// A component's own configuration block, read against its declared keys, for its factory.
public struct ComponentConfig: Sendable {
    public var spec: ComponentSpec
    public var context: ComponentContext
    /// The block's values, defaults applied.
    public var values: ConfigValues

    public init(spec: ComponentSpec, context: ComponentContext, values: ConfigValues) {
        self.spec = spec
        self.context = context
        self.values = values
    }

    /// The value of `key`: as written, or its default.
    public subscript<Value>(_ key: ConfigKey<Value>) -> Value { values[key] }

    /// Decodes the block (without its `type` key) as `T`, reporting problems with positions.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try ConfigDecoder(ignoredKeys: ["type"]).decode(type, from: spec.node)
    }

    /// A diagnostic about the key `key` of this block (or the block itself when absent).
    public func diagnostic(key: String, _ message: String) -> ConfigErrors {
        ConfigErrors([(spec.node[key] ?? spec.node).diagnostic(message)])
    }
}
