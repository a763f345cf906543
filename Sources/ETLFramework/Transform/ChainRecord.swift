import Foundation

/// A record on its way through a transform chain: its fields as the steps so far left them, and the
/// raw record it came from (which is what is stored, and what a rejection shows).
public struct ChainRecord: Sendable {
    /// The fields, a ``RawValue/object(_:)`` in source order.
    public var payload: RawValue
    /// The index of the raw record in its batch.
    public let origin: Int
    public let location: RecordLocation
    /// When the source vouches the payload was current (see ``RawRecord/receivedAt``).
    public let receivedAt: Date

    public init(payload: RawValue, origin: Int, location: RecordLocation, receivedAt: Date) {
        self.payload = payload
        self.origin = origin
        self.location = location
        self.receivedAt = receivedAt
    }

    /// The record `raw` at `index` of its batch, as the first step sees it.
    public init(_ raw: RawRecord, origin: Int) {
        self.init(payload: raw.payload, origin: origin, location: raw.location, receivedAt: raw.receivedAt)
    }

    /// The top-level fields.
    public var fields: [RawField] {
        get {
            if case .object(let fields) = payload { return fields }
            return []
        }
        set { payload = .object(newValue) }
    }

    /// The value at a name or dotted path; `nil` when missing.
    public func value(at path: String) -> RawValue? {
        payload.value(at: path)
    }

    /// Runs `body` on the top-level fields, mutated in place: the array is taken out of the payload
    /// while `body` runs, so that changing it copies nothing (steps do this for every record).
    mutating func withFields<T>(_ body: (inout [RawField]) -> T) -> T {
        var fields: [RawField] = []
        if case .object(let taken) = payload { fields = taken }
        payload = .null
        defer { payload = .object(fields) }
        return body(&fields)
    }

    /// Sets a top-level field, in place when it exists, else at the end.
    public mutating func set(_ name: String, to value: RawValue) {
        withFields { fields in
            if let index = fields.firstIndex(where: { $0.name == name }) {
                fields[index].value = value
            } else {
                fields.append(RawField(name, value))
            }
        }
    }

    /// Renames a field where it stands (a field already named `to` is replaced); a dotted path
    /// moves its value to the top-level name `to`. Returns whether the record had the field.
    @discardableResult
    public mutating func rename(_ from: String, to: String) -> Bool {
        let renamed = withFields { fields in
            guard let index = fields.firstIndex(where: { $0.name == from }) else { return false }
            fields[index].name = to
            if let twin = fields.indices.first(where: { $0 != index && fields[$0].name == to }) { fields.remove(at: twin) }
            return true
        }
        if renamed { return true }
        guard let value = remove(from) else { return false }
        set(to, to: value)
        return true
    }

    /// Removes the field at a name or dotted path; returns its value.
    @discardableResult
    public mutating func remove(_ path: String) -> RawValue? {
        let topLevel: RawValue? = withFields { fields in
            fields.firstIndex(where: { $0.name == path }).map { fields.remove(at: $0).value }
        }
        if topLevel != nil { return topLevel }
        guard path.contains(".") else { return nil }
        var removed: RawValue?
        payload = Self.removing(path.split(separator: ".", omittingEmptySubsequences: false)[...], from: payload, removed: &removed)
        return removed
    }

    static func removing(_ path: ArraySlice<Substring>, from value: RawValue, removed: inout RawValue?) -> RawValue {
        guard case .object(var fields) = value, let head = path.first,
            let index = fields.firstIndex(where: { $0.name == head })
        else { return value }
        if path.count == 1 {
            removed = fields.remove(at: index).value
        } else {
            fields[index].value = removing(path.dropFirst(), from: fields[index].value, removed: &removed)
        }
        return .object(fields)
    }
}
