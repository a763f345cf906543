/// Turns raw records into unified quotes, rejecting what cannot be turned.
///
/// A transformer is pure: no I/O, so it can be tested with values and run on any task.
public protocol Transformer: Sendable {
    func transform(_ records: [RawRecord]) -> TransformOutput
}

/// The result of transforming one batch: every input record is either a quote or a rejection.
public struct TransformOutput: Sendable {
    public var quotes: [Quote]
    public var rejections: [Rejection]

    public init(quotes: [Quote] = [], rejections: [Rejection] = []) {
        self.quotes = quotes
        self.rejections = rejections
    }
}
