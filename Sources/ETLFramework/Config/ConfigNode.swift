/// A node of a parsed configuration document, with its position and key path, after `${VAR}`
/// interpolation. Sendable, so component factories can keep and decode it on any task.
public struct ConfigNode: Sendable {
    /// The shape of a node.
    public enum Kind: Sendable {
        case scalar(String)
        case null
        case mapping([ConfigEntry])
        case sequence([ConfigNode])
    }

    public var kind: Kind
    public var position: ConfigPosition
    /// Dotted key path from the document root (`pipelines[1].source`).
    public var keyPath: String
    /// For a scalar written on one line, how many columns its text starts after ``position`` (1 for
    /// a quoted one); `nil` when columns inside the text cannot be told (block scalars, escapes).
    public var textColumnOffset: Int?

    public init(kind: Kind, position: ConfigPosition, keyPath: String) {
        self.kind = kind
        self.position = position
        self.keyPath = keyPath
    }

    /// The position of the character at `offset` (0-based) in this scalar's text, where that can be
    /// told; the node's own position otherwise.
    public func position(atTextOffset offset: Int) -> ConfigPosition {
        guard let textColumnOffset else { return position }
        var at = position
        at.column += textColumnOffset + offset
        return at
    }

    /// The value under `key` when this node is a mapping.
    public subscript(key: String) -> ConfigNode? {
        guard case .mapping(let entries) = kind else { return nil }
        return entries.first(where: { $0.key == key })?.value
    }

    /// A diagnostic about this node.
    public func diagnostic(_ message: String) -> ConfigDiagnostic {
        ConfigDiagnostic(at: position, keyPath: keyPath, message)
    }

    /// What the node is, for messages (`a mapping`, `a list`).
    public var kindName: String {
        switch kind {
        case .scalar: "a scalar"
        case .null: "null"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

/// One key and its value in a mapping node.
public struct ConfigEntry: Sendable {
    public var key: String
    public var keyPosition: ConfigPosition
    public var value: ConfigNode
}
