/// Decodes `Decodable` configuration types from a ``ConfigNode`` and reports problems with positions.
///
/// Types whose `CodingKeys` are `CaseIterable` get unknown keys reported too (with the nearest known
/// key as a suggestion). Unknown keys are collected rather than thrown, so one pass finds them all.
public struct ConfigDecoder: Sendable {
    /// Keys that the caller handles itself and the decoded type must not see (such as `type`).
    public var ignoredKeys: Set<String>

    public init(ignoredKeys: Set<String> = []) {
        self.ignoredKeys = ignoredKeys
    }

    /// Decodes `type`, adding every problem to `problems`; returns the value when only non-fatal
    /// problems (unknown keys) were found, so that callers can go on checking what it contains.
    public func decode<T: Decodable>(_ type: T.Type, from node: ConfigNode, reportingTo problems: inout ConfigProblems) -> T? {
        let sink = DiagnosticSink()
        let decoder = NodeDecoder(node: node, codingPath: [], sink: sink, ignoredKeys: ignoredKeys)
        let value = problems.attempt { try T(from: decoder) }
        for diagnostic in sink.diagnostics { problems.append(diagnostic) }
        return value
    }

    /// Decodes `type`; throws ``ConfigErrors`` with every problem found.
    public func decode<T: Decodable>(_ type: T.Type, from node: ConfigNode) throws -> T {
        let sink = DiagnosticSink()
        let decoder = NodeDecoder(node: node, codingPath: [], sink: sink, ignoredKeys: ignoredKeys)
        let value: T
        do {
            value = try T(from: decoder)
        } catch let diagnostic as ConfigDiagnostic {
            throw ConfigErrors(sink.diagnostics + [diagnostic])
        } catch let errors as ConfigErrors {
            throw ConfigErrors(sink.diagnostics + errors.diagnostics)
        }
        if !sink.diagnostics.isEmpty { throw ConfigErrors(sink.diagnostics) }
        return value
    }
}

/// Collects non-fatal diagnostics during one decode.
final class DiagnosticSink {
    var diagnostics: [ConfigDiagnostic] = []
}

/// Gives a `Decodable` initializer access to the node it is decoding, for types that keep raw config.
public protocol ConfigNodeDecoding {
    var configNode: ConfigNode { get }
}

/// The `Decoder` over one ``ConfigNode``; its errors carry the node's position and key path.
struct NodeDecoder: Decoder, ConfigNodeDecoding {
    let node: ConfigNode
    let codingPath: [any CodingKey]
    let sink: DiagnosticSink
    let ignoredKeys: Set<String>
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var configNode: ConfigNode { node }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let entries) = node.kind else {
            throw node.diagnostic("expected a mapping, got \(node.kindName)")
        }
        if let keyType = Key.self as? any CaseIterable.Type {
            let known = Self.keyNames(keyType)
            for entry in entries where !known.contains(entry.key) && !ignoredKeys.contains(entry.key) {
                let suggestion = Suggestion.nearest(to: entry.key, in: known).map { " (did you mean \"\($0)\"?)" } ?? ""
                sink.diagnostics.append(
                    ConfigDiagnostic(
                        at: entry.keyPosition, keyPath: entry.value.keyPath,
                        "unknown key \"\(entry.key)\"\(suggestion)"))
            }
        }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(decoder: self, entries: entries))
    }

    static func keyNames(_ type: any CaseIterable.Type) -> [String] {
        func names<T: CaseIterable>(_ type: T.Type) -> [String] {
            type.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
        }
        return names(type)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items) = node.kind else {
            throw node.diagnostic("expected a list, got \(node.kindName)")
        }
        return UnkeyedNodeContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleNodeContainer(decoder: self)
    }

    func child(_ node: ConfigNode, key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, codingPath: codingPath + [key], sink: sink, ignoredKeys: [])
    }
}

/// A mapping node's members, by key.
struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let entries: [ConfigEntry]
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { entries.contains { $0.key == key.stringValue } }

    func entry(_ key: Key) throws -> ConfigNode {
        guard let entry = entries.first(where: { $0.key == key.stringValue }) else {
            throw decoder.node.diagnostic("missing required key \"\(key.stringValue)\"")
        }
        return entry.value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let value = entries.first(where: { $0.key == key.stringValue })?.value else { return true }
        if case .null = value.kind { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let value = try entry(key)
        if case .null = value.kind, !(T.self is any ExpressibleByNilLiteral.Type) {
            throw value.diagnostic("a value is required")
        }
        return try T(from: decoder.child(value, key: key))
    }

    /// An optional key whose value is wrong is recorded and read as absent, so that decoding goes
    /// on to the other keys and one pass reports every wrong value of a block (the decode as a whole
    /// still fails).
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try recovering(type, forKey: key)
    }

    // The standard library's own overloads for these types would throw; they recover too.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try recovering(type, forKey: key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try recovering(type, forKey: key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try recovering(type, forKey: key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try recovering(type, forKey: key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try recovering(type, forKey: key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try recovering(type, forKey: key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try recovering(type, forKey: key) }

    private func recovering<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = entries.first(where: { $0.key == key.stringValue })?.value else { return nil }
        if case .null = value.kind { return nil }
        do {
            return try T(from: decoder.child(value, key: key))
        } catch let diagnostic as ConfigDiagnostic {
            decoder.sink.diagnostics.append(diagnostic)
        } catch let errors as ConfigErrors {
            decoder.sink.diagnostics += errors.diagnostics
        }
        return nil
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder.child(try entry(key), key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(try entry(key), key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder.child(try entry(key), key: key) }
}

/// A list node's items, in order.
struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let items: [ConfigNode]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: NodeDecoder, items: [ConfigNode]) {
        self.decoder = decoder
        self.items = items
    }

    mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else { throw decoder.node.diagnostic("list has too few items") }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], key: IndexKey(intValue: currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = items[currentIndex].kind else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: try next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

/// The coding key of a list item.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// A scalar node read as a string, number, boolean or duration.
struct SingleNodeContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var node: ConfigNode { decoder.node }

    func decodeNil() -> Bool {
        if case .null = node.kind { return true }
        return false
    }

    func text(expecting what: String) throws -> String {
        switch node.kind {
        case .scalar(let text): return text
        case .null: throw node.diagnostic("expected \(what), got nothing")
        default: throw node.diagnostic("expected \(what), got \(node.kindName)")
        }
    }

    func mismatch(_ what: String, _ text: String) -> ConfigDiagnostic {
        let shown = Redaction.looksSecret(key: node.keyPath) ? "<redacted>" : "\"\(text)\""
        return node.diagnostic("expected \(what), got \(shown)")
    }

    func decode(_ type: String.Type) throws -> String { try text(expecting: "a string") }

    func decode(_ type: Bool.Type) throws -> Bool {
        let text = try text(expecting: "true or false")
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw mismatch("true or false", text)
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let text = try text(expecting: "an integer")
        guard let value = T(text.replacingOccurrences(of: "_", with: "")) else { throw mismatch("an integer", text) }
        return value
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode(_ type: Double.Type) throws -> Double {
        let text = try text(expecting: "a number")
        guard let value = Double(text), value.isFinite else { throw mismatch("a number", text) }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder) }
}
