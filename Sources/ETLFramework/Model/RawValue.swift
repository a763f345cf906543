import Foundation
/// A value exactly as a source delivered it: numbers keep their literal text so that no digit is lost
/// before the normalizer turns them into decimals.
public enum RawValue: Sendable, Hashable {
    case string(String)
    /// A JSON number, kept as its literal text (`1.0904e-08`).
    case number(String)
    case bool(Bool)
    case null
    /// An object with its keys in source order.
    case object([RawField])
    case array([RawValue])

    /// The value at a dotted path such as `quotes.USD.price`; `nil` when any step is missing. A
    /// top-level field whose own name holds a dot (a CSV column `Vol. 24h`) is found by that name.
    public func value(at path: String) -> RawValue? {
        guard case .object(let fields) = self else { return nil }
        if let field = fields.first(where: { $0.name == path }) { return field.value }
        guard path.utf8.contains(46) else { return nil }
        var current = self
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let fields) = current,
                let next = fields.first(where: { $0.name == component })?.value
            else { return nil }
            current = next
        }
        return current
    }

    /// The scalar text of a string, number or bool; `nil` for null, objects and arrays.
    public var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null, .object, .array: nil
        }
    }
}

extension RawValue {
    /// The dotted path of the first string or key holding a NUL character (`""` for a key of the
    /// top level), or `nil` when there is none.
    public func pathHoldingNUL(prefix: String = "") -> String? {
        guard holdsNUL else { return nil }  // the common case, without building a path per field
        switch self {
        case .string(let text):
            return text.utf8.contains(0) ? prefix : nil
        case .object(let fields):
            for field in fields {
                if field.name.utf8.contains(0) { return prefix }
                let path = prefix.isEmpty ? field.name : prefix + "." + field.name
                if let found = field.value.pathHoldingNUL(prefix: path) { return found }
            }
            return nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = item.pathHoldingNUL(prefix: prefix + "[\(index)]") { return found }
            }
            return nil
        case .number, .bool, .null:
            return nil
        }
    }
}

extension RawValue {
    /// Whether a string or key anywhere in the value holds a NUL character.
    var holdsNUL: Bool {
        switch self {
        case .string(let text): Self.holdsNUL(text)
        case .object(let fields): fields.contains { Self.holdsNUL($0.name) || $0.value.holdsNUL }
        case .array(let items): items.contains { $0.holdsNUL }
        case .number, .bool, .null: false
        }
    }

    private static func holdsNUL(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
        } ?? text.utf8.contains(0)
    }
}

/// One named member of a ``RawValue/object(_:)``.
public struct RawField: Sendable, Hashable {
    public var name: String
    public var value: RawValue

    public init(_ name: String, _ value: RawValue) {
        self.name = name
        self.value = value
    }
}
