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

    /// Sets a top-level field, in place when it exists, else at the end.
    public mutating func set(_ name: String, to value: RawValue) {
        var fields = self.fields
        if let index = fields.firstIndex(where: { $0.name == name }) {
            fields[index].value = value
        } else {
            fields.append(RawField(name, value))
        }
        self.fields = fields
    }

    /// Removes the field at a name or dotted path; returns its value.
    @discardableResult
    public mutating func remove(_ path: String) -> RawValue? {
        var fields = self.fields
        if let index = fields.firstIndex(where: { $0.name == path }) {
            let value = fields.remove(at: index).value
            self.fields = fields
            return value
        }
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
