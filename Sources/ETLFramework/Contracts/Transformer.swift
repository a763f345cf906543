/// Turns raw records into unified quotes, rejecting what cannot be turned.
///
/// A transformer is pure: no I/O, so it can be tested with values and run on any task.
public protocol Transformer: Sendable {
    func transform(_ records: [RawRecord]) -> TransformOutput

    /// Checks the fields this transformer reads by name against those the data has, before anything
    /// is written: a configured name the data lacks is an error, a default that applies is a note.
    /// `receiptTime` says what a record's receipt time is for this source.
    func fieldReport(available: [String], receiptTime: String) -> FieldReport
}

extension Transformer {
    public func fieldReport(available: [String], receiptTime: String) -> FieldReport { FieldReport() }
}

/// What a transformer found when its field names were checked against the data.
public struct FieldReport: Sendable, Hashable {
    /// Mistakes that would load wrong data: the run fails on any of them before writing.
    public var errors: [String]
    /// Defaults that apply (a field left empty, a time taken from elsewhere): said once in the run
    /// message and the log.
    public var notes: [String]

    public init(errors: [String] = [], notes: [String] = []) {
        self.errors = errors
        self.notes = notes
    }
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
