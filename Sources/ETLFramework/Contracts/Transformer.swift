/// One step of a pipeline's transform chain: takes records (field -> value) and gives records,
/// dropping, changing or rejecting some. Steps chain in the order the pipeline file lists them; the
/// normalizer (a ``RecordNormalizer``) comes last.
///
/// A step is a value: each run starts from the configured value, so a step that remembers (such as
/// `dedupe`) remembers within one run. No I/O: a step can be tested with values.
public protocol Transformer: Sendable {
    /// Transforms one batch. Every input record ends up kept (in ``StepOutput/records``), rejected
    /// (quarantined with a reason) or filtered (counted).
    mutating func transform(_ records: [ChainRecord]) -> StepOutput

    /// Checks the field names this step reads against those the records have before it, and says
    /// which fields they have after it; called before anything is written.
    func checkFields(_ available: [String]) -> FieldCheck
}

extension Transformer {
    public func checkFields(_ available: [String]) -> FieldCheck { FieldCheck(fields: available) }
}

/// The last step of a chain: turns records into unified quotes, rejecting what cannot be turned.
public protocol RecordNormalizer: Sendable {
    func normalize(_ records: [ChainRecord]) -> NormalizedRecords

    /// Checks the fields the normalizer reads by name against those the records have, before
    /// anything is written: a configured name the data lacks is an error, a default that applies is a
    /// note. `receiptTime` says what a record's receipt time is for this source.
    func fieldReport(available: [String], receiptTime: String) -> FieldReport
}

extension RecordNormalizer {
    public func fieldReport(available: [String], receiptTime: String) -> FieldReport { FieldReport() }
}

/// What a step did with one batch.
public struct StepOutput: Sendable {
    public var records: [ChainRecord]
    public var rejections: [RecordRejection]
    /// Records left out on purpose (by a filter, as duplicates): counted, not quarantined.
    public var filtered: Int

    public init(records: [ChainRecord] = [], rejections: [RecordRejection] = [], filtered: Int = 0) {
        self.records = records
        self.rejections = rejections
        self.filtered = filtered
    }
}

/// What the normalizer made of one batch: every record is a quote or a rejection.
public struct NormalizedRecords: Sendable {
    /// Quotes whose `rawIndex` is their record's ``ChainRecord/origin``.
    public var quotes: [Quote]
    public var rejections: [RecordRejection]

    public init(quotes: [Quote] = [], rejections: [RecordRejection] = []) {
        self.quotes = quotes
        self.rejections = rejections
    }
}

/// A record a step refused, by the raw record it came from; the chain turns it into a ``Rejection``.
public struct RecordRejection: Sendable, Hashable {
    /// The index of the raw record in its batch (``ChainRecord/origin``).
    public var origin: Int
    /// The field at fault, when one is.
    public var field: String?
    public var reason: String

    public init(origin: Int, field: String?, reason: String) {
        self.origin = origin
        self.field = field
        self.reason = reason
    }
}

/// A step's verdict on the field names it reads, and the fields records have after it.
public struct FieldCheck: Sendable, Hashable {
    public var report: FieldReport
    public var fields: [String]

    public init(report: FieldReport = FieldReport(), fields: [String]) {
        self.report = report
        self.fields = fields
    }
}

/// What a check found when field names were compared with the data.
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

    /// The message of a run that stops on these errors before writing; `nil` when there are none.
    public var failure: String? {
        errors.isEmpty ? nil : "nothing written: " + errors.joined(separator: "; ")
    }
}
