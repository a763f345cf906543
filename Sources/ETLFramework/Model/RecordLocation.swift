/// Where a record sits in its source: a line of a file, or an item of an API response.
public struct RecordLocation: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number in a text source, when there is one.
    public var line: Int?
    /// A human-readable position such as `data/sample.csv:12` or `page 2, item 7`.
    public var description: String

    public init(line: Int? = nil, description: String) {
        self.line = line
        self.description = description
    }
}
