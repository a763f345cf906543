import Logging

/// A place records come from: a file, an API, a feed.
///
/// A source is configuration only; ``open(resumingFrom:logger:)`` starts one read of it.
public protocol Source: Sendable {
    /// The registered type name (`csv`), stamped on its checkpoints.
    var type: String { get }

    /// What a record's receipt time is for this source ("the file's modification time"), named in
    /// the run message when records without an observed-at field are stamped with it.
    var receiptTimeMeaning: String { get }

    /// The field names the source's data has, read without loading anything (a CSV file's header),
    /// so that `host validate` can check a mapping; `nil` when that needs the network or the data is
    /// not there.
    func peekFieldNames(logger: Logger) async throws -> [String]?

    /// Starts reading after `checkpoint` (from the beginning when it is `nil` or not understood).
    func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader

    /// Reads a recorded copy of the source's data (a saved API answer, a CSV file) with the source's
    /// own parser and settings, from the beginning; `host test` runs pipelines on such files.
    func recorded(at path: String, logger: Logger) async throws -> any SourceReader
}

/// One read of a source, pulled batch by batch by the pipeline runner.
///
/// Pulling gives back-pressure for free: the reader never runs ahead of what the sink has committed
/// by more than one batch.
public protocol SourceReader: Sendable {
    /// The next batch of at most `maxRecords` records, or `nil` at the end of the source.
    mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch?

    /// How far the read has come, for progress reports; `nil` when the source cannot tell.
    var progress: Double? { get }

    /// Anything the run record should say about a successful read (such as schema drift).
    var summary: String? { get }

    /// The fields the data has (a CSV header, the dotted paths of an API's records), known once the
    /// first batch is read; the runner checks the field mapping against them before writing.
    /// `nil` when the source cannot tell (nothing read yet, no records).
    var fieldNames: [String]? { get }
}

extension SourceReader {
    public var progress: Double? { nil }
    public var summary: String? { nil }
    public var fieldNames: [String]? { nil }
}

extension Source {
    public var receiptTimeMeaning: String { "the time the data was received" }
    public func peekFieldNames(logger: Logger) async throws -> [String]? { nil }

    public func recorded(at path: String, logger: Logger) async throws -> any SourceReader {
        throw RecordedInputUnsupported(type: type)
    }
}

/// The source type cannot read a recorded copy of its data.
public struct RecordedInputUnsupported: Error, Sendable, CustomStringConvertible {
    public var type: String

    public var description: String { "a \(type) source cannot read a recorded file; give the records as input" }
}

/// Records read from a source, with the checkpoint that is true once they are stored.
public struct SourceBatch: Sendable {
    public var records: [RawRecord]
    /// Records the source itself could not read (ragged rows, bad encoding).
    public var rejections: [Rejection]
    /// Records the source left out because they were unchanged.
    public var skipped: Int
    /// The position after this batch; saved with it in one transaction.
    public var checkpoint: Checkpoint

    public init(records: [RawRecord], rejections: [Rejection] = [], skipped: Int = 0, checkpoint: Checkpoint) {
        self.records = records
        self.rejections = rejections
        self.skipped = skipped
        self.checkpoint = checkpoint
    }
}
