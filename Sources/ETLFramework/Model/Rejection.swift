/// A record that could not be used, kept in quarantine with the reason and its raw form.
public struct Rejection: Sendable, Hashable {
    public var location: RecordLocation
    /// The unified or source field at fault, when one is.
    public var field: String?
    public var reason: String
    /// The record as it came (JSON text, or the CSV line).
    public var raw: String

    public init(location: RecordLocation, field: String? = nil, reason: String, raw: String) {
        self.location = location
        self.field = field
        self.reason = reason
        self.raw = raw
    }
}
