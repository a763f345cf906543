/// A record that could not be used, kept in quarantine with the reason and its raw form.
public struct Rejection: Sendable, Hashable {
    public var location: RecordLocation
    /// The unified or source field at fault, when one is.
    public var field: String?
    public var reason: String
    /// The record as it came (JSON text, or the CSV line).
    public var raw: String

    /// NUL characters in `reason` and `raw` are written as `\u0000`, so that every store can hold them.
    public init(location: RecordLocation, field: String? = nil, reason: String, raw: String) {
        self.location = location
        self.field = field
        self.reason = Self.withoutNUL(reason)
        self.raw = Self.withoutNUL(raw)
    }

    static func withoutNUL(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\\u0000") : text
    }

    /// The reason of a record that contradicts an observation already stored.
    public static let storedConflictReason =
        "conflicts with a stored observation: the same asset at the same observed-at with different values; the stored one is kept"
}
