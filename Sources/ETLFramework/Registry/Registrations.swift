/// A source type offered by an adapter module.
public struct SourceRegistration: Sendable {
    public var type: String
    public var summary: String
    public var keys: [ConfigKeyDoc]
    public var make: @Sendable (ComponentConfig) throws -> any Source

    public init(
        type: String, summary: String, keys: [ConfigKeyDoc],
        make: @escaping @Sendable (ComponentConfig) throws -> any Source
    ) {
        self.type = type
        self.summary = summary
        self.keys = keys
        self.make = make
    }
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
