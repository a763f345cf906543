/// One key of a component's configuration, declared once: its name, type, default, allowed values
/// and a one-line doc. The declaration drives decoding (unknown keys, "did you mean"), value checks
/// with file:line:column, `host validate`, `host adapters` and the generated reference.
///
/// ```swift
/// static let perPage = ConfigKey("per_page", default: 100, allowed: .range(1...250), "records per page")
/// ...
/// let perPage = config[perPage]
/// ```
public struct ConfigKey<Value: Sendable>: Sendable, ConfigKeyDeclaring {
    public let declaration: ConfigKeyDeclaration
    /// The value when the key is absent (`.some(nil)` for an optional key).
    let fallback: Value?

    /// The key's name in the pipeline file.
    public var name: String { declaration.name }

    /// The value the key reads as when absent; `nil` for a required key.
    public var defaultValue: Value? { fallback }

    init(declaration: ConfigKeyDeclaration, fallback: Value?) {
        self.declaration = declaration
        self.fallback = fallback
    }
}

extension ConfigKey where Value: ConfigValue {
    /// A key with a default: absent, it reads as `defaultValue`.
    public init(_ name: String, default defaultValue: Value, allowed constraint: ConfigConstraint<Value>? = nil, _ summary: String) {
        self.init(
            declaration: .scalar(
                name, Value.self, required: false, defaultText: defaultValue.configText, constraint: constraint, summary: summary),
            fallback: defaultValue)
    }

    /// A key the block must have.
    public static func required(
        _ name: String, _ type: Value.Type = Value.self, allowed constraint: ConfigConstraint<Value>? = nil, _ summary: String
    )
        -> Self
    {
        Self(declaration: .scalar(name, Value.self, required: true, defaultText: nil, constraint: constraint, summary: summary), fallback: nil)
    }
}

extension ConfigKey {
    /// A key without a default: absent, it reads as `nil`.
    public static func optional<Wrapped: ConfigValue>(
        _ name: String, _ type: Wrapped.Type = Wrapped.self, allowed constraint: ConfigConstraint<Wrapped>? = nil, _ summary: String
    ) -> Self where Value == Wrapped? {
        Self(
            declaration: .scalar(name, Wrapped.self, required: false, defaultText: nil, constraint: constraint, summary: summary),
            fallback: .some(nil))
    }

    /// A nested block with keys of its own (`http: {attempts: 4}`); absent, every key of it reads as
    /// its default.
    public static func block(_ name: String, _ spec: ConfigSpec, _ summary: String) -> Self where Value == ConfigValues {
        Self(declaration: .block(name, spec, summary: summary), fallback: ConfigValues(spec: spec))
    }
}

/// Anything that declares a configuration key: a ``ConfigKey`` of any value type.
public protocol ConfigKeyDeclaring: Sendable {
    var declaration: ConfigKeyDeclaration { get }
}

/// A key's declaration without its value type: what the docs show and how the value is read.
public struct ConfigKeyDeclaration: Sendable {
    public var name: String
    /// `string`, `integer`, `duration`, `block`, ...
    public var typeName: String
    public var required: Bool
    /// The default as the docs show it; `nil` when the key has none.
    public var defaultText: String?
    /// The rule the value must satisfy, as the docs show it (`1...250`).
    public var constraint: String?
    /// One line: what the key does.
    public var summary: String
    /// The keys of a nested block.
    public var nestedKeys: [ConfigKeyDeclaration]
    /// Reads the key's value from its node, adding every problem to `problems`.
    let read: @Sendable (ConfigNode, inout ConfigProblems) -> (any Sendable)?

    static func scalar<Value: ConfigValue>(
        _ name: String, _ type: Value.Type, required: Bool, defaultText: String?, constraint: ConfigConstraint<Value>?, summary: String
    ) -> Self {
        Self(
            name: name, typeName: Value.configTypeName, required: required, defaultText: defaultText,
            constraint: constraint?.description, summary: summary, nestedKeys: []
        ) { node, problems in
            do {
                let value = try ConfigDecoder().decode(Value.self, from: node)
                if let constraint, let violation = constraint.violation(value) {
                    let got: String = if case .scalar(let text) = node.kind { ", got \(text)" } else { "" }
                    problems.append(node.diagnostic(constraint.isWholeMessage ? violation : "\(name) \(violation)\(got)"))
                    return nil
                }
                return value
            } catch let errors as ConfigErrors {
                for diagnostic in errors.diagnostics { problems.append(diagnostic) }
            } catch let diagnostic as ConfigDiagnostic {
                problems.append(diagnostic)
            } catch {
                problems.append(node.diagnostic("\(name): \(error)"))
            }
            return nil
        }
    }

    static func block(_ name: String, _ spec: ConfigSpec, summary: String) -> Self {
        Self(
            name: name, typeName: "block", required: false, defaultText: nil, constraint: nil, summary: summary, nestedKeys: spec.keys
        ) { node, problems in
            spec.read(node, into: &problems)
        }
    }
}
