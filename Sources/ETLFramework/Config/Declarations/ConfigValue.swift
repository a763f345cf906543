/// A type a configuration key can hold: decoded from the pipeline file with positions, named in
/// the docs, and written as a default.
public protocol ConfigValue: Decodable, Sendable {
    /// The type's name in docs and messages (`string`, `integer`, `duration`).
    static var configTypeName: String { get }
    /// The value as the docs show it (a default, an allowed value).
    var configText: String { get }
}

extension ConfigValue where Self: CustomStringConvertible {
    public var configText: String { description }
}

extension String: ConfigValue {
    public static var configTypeName: String { "string" }
    public var configText: String { self }
}

extension Int: ConfigValue {
    public static var configTypeName: String { "integer" }
}

extension Double: ConfigValue {
    public static var configTypeName: String { "number" }
}

extension Bool: ConfigValue {
    public static var configTypeName: String { "boolean" }
}

extension ConfigDuration: ConfigValue {
    public static var configTypeName: String { "duration" }
}

extension Array: ConfigValue where Element: ConfigValue {
    public static var configTypeName: String { "list of \(Element.configTypeName)s" }
    public var configText: String { "[" + map(\.configText).joined(separator: ", ") + "]" }
}

extension Dictionary: ConfigValue where Key == String, Value: ConfigValue {
    public static var configTypeName: String { "map of \(Value.configTypeName)s" }
    public var configText: String {
        "{" + sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.configText)" }.joined(separator: ", ") + "}"
    }
}

extension FieldMapping: ConfigValue {
    public static var configTypeName: String { "mapping (unified field -> field path)" }
    public var configText: String {
        "{" + paths.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue): \($0.value)" }.joined(separator: ", ") + "}"
    }
}

extension ConfigDuration: Comparable {
    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool { lhs.duration < rhs.duration }
}
