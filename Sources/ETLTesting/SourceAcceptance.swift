import ETLFramework
import Logging

/// The checks every source must pass, on a recorded input it reads (a file, a saved API answer
/// served from loopback):
///
/// - `reads`: the input is read to its end; every record and rejection has a location, every
///   checkpoint is of the source's type, and the count is the one expected.
/// - `nothing-new-after-the-end`: a read from the final checkpoint yields nothing new: no record
///   for an ``Reading/incremental`` source, the same records for a ``Reading/fullRefresh`` one.
/// - `resume-after-every-batch`: a read stopped after any batch and resumed from that batch's
///   checkpoint yields every record exactly once (an incremental source goes on after the batch; a
///   full-refresh source reads its whole input again, and the store keeps the repeats out).
/// - `cancellation-at-a-batch-boundary`: a read cancelled after a batch either stops (throws) or
///   delivers whole batches whose checkpoint resumes exactly; it never reports a false end.
/// - `bad-input-is-kept` (with ``badInput``): bad records are rejected with a location, a reason and
///   their raw form, the rest is read, and nothing is thrown away.
public struct SourceAcceptance: Sendable {
    /// What a read that resumes from a checkpoint gives.
    public enum Reading: Sendable {
        /// The records after the checkpoint (a file read on from where it stopped).
        case incremental
        /// The whole input again, each record once (an API polled for its current state); the
        /// store counts the records it already holds as skipped.
        case fullRefresh
    }

    /// The source under test, configured to read the recorded input.
    public var source: any Source
    /// How the source resumes.
    public var reading: Reading
    /// Records plus rejections the input holds, when known.
    public var expectedRecords: Int?
    /// The same source type configured over input with bad records, when it can be given one.
    public var badInput: (any Source)?
    /// Records plus rejections the bad input holds, when known (so that none can go missing).
    public var expectedBadRecords: Int?
    /// Records per batch: small, so that every resume point inside the input is tried.
    public var batchSize: Int
    /// The longest the cancellation check waits for a cancelled read to end.
    public var cancellationDeadline: Duration
    public var logger: Logger

    public init(
        source: any Source, reading: Reading = .incremental, expectedRecords: Int? = nil, badInput: (any Source)? = nil,
        expectedBadRecords: Int? = nil,
        batchSize: Int = 2, cancellationDeadline: Duration = .seconds(30), logger: Logger
    ) {
        self.source = source
        self.reading = reading
        self.expectedRecords = expectedRecords
        self.badInput = badInput
        self.expectedBadRecords = expectedBadRecords
        self.batchSize = batchSize
        self.cancellationDeadline = cancellationDeadline
        self.logger = logger
    }

    /// Runs every check.
    public func run() async -> AcceptanceReport {
        var run = CheckRun()
        await run.check("reads") { try await reads() }
        await run.check("nothing-new-after-the-end") { try await nothingNewAfterTheEnd() }
        await run.check("resume-after-every-batch") { try await resumeAfterEveryBatch(source) }
        await run.check("cancellation-at-a-batch-boundary") { try await cancellationAtABatchBoundary() }
        if let badInput {
            await run.check("bad-input-is-kept") { try await badInputIsKept(badInput) }
            await run.check("bad-input-resumes-exactly") { try await resumeAfterEveryBatch(badInput) }
        }
        return AcceptanceReport(suite: "source \(source.type)", results: run.results)
    }

    func reads() async throws {
        let batches = try await read(source)
        let items = batches.flatMap(Self.items)
        try require(!items.isEmpty, "the recorded input gave no record")
        if let expectedRecords {
            try require(items.count == expectedRecords, "read \(items.count) records and rejections, expected \(expectedRecords)")
        }
        for batch in batches {
            try require(batch.checkpoint.kind == source.type, "a checkpoint of kind \(batch.checkpoint.kind), not \(source.type)")
            try require(batch.records.count + batch.rejections.count <= batchSize, "a batch larger than the \(batchSize) asked for")
        }
        if let unplaced = items.first(where: { $0.location.isEmpty }) {
            throw AcceptanceFailure(check: "", reason: "a record without a location: \(unplaced.content.prefix(120))")
        }
    }

    func nothingNewAfterTheEnd() async throws {
        let batches = try await read(source)
        guard let last = batches.last?.checkpoint else { throw AcceptanceFailure(check: "", reason: "no batch was read") }
        let again = try await read(source, from: last)
        switch reading {
        case .incremental:
            let items = again.flatMap(Self.items)
            try require(items.isEmpty, "a read from the final checkpoint gave \(items.count) records again, first: \(items.first?.key ?? "")")
        case .fullRefresh:
            let all = Self.keys(batches), seen = Self.keys(again)
            try require(seen == all, "a read from the final checkpoint differs from the first: " + Self.difference(expected: all, got: seen))
        }
    }

    func resumeAfterEveryBatch(_ source: any Source) async throws {
        let batches = try await read(source)
        let all = Self.keys(batches)
        for stop in batches.indices {
            let resumed = try await read(source, from: batches[stop].checkpoint)
            let seen = Self.keys((reading == .incremental ? Array(batches[...stop]) : []) + resumed)
            try require(
                seen == all,
                "stopped after batch \(stop + 1) of \(batches.count) and resumed: "
                    + Self.difference(expected: all, got: seen))
        }
    }

    func cancellationAtABatchBoundary() async throws {
        let all = Self.keys(try await read(source))
        let source = self.source, batchSize = self.batchSize, logger = self.logger
        let readTask = Task { () -> (delivered: [SourceBatch], error: (any Error)?) in
            var reader = try await source.open(resumingFrom: nil, logger: logger)
            guard let first = try await reader.nextBatch(maxRecords: batchSize) else { return ([], nil) }
            withUnsafeCurrentTask { $0?.cancel() }
            var delivered = [first]
            do {
                while let batch = try await reader.nextBatch(maxRecords: batchSize) { delivered.append(batch) }
                return (delivered, nil)
            } catch {
                return (delivered, error)
            }
        }
        let outcome = try await Self.value(of: readTask, within: cancellationDeadline)
        guard let outcome else {
            readTask.cancel()
            throw AcceptanceFailure(check: "", reason: "a cancelled read had not ended after \(cancellationDeadline)")
        }
        guard let last = outcome.delivered.last else { return }
        if outcome.error == nil {
            let delivered = Self.keys(outcome.delivered)
            try require(
                delivered == all,
                "cancelled after batch 1, the read ended after \(outcome.delivered.count) batches as if the input had: "
                    + Self.difference(expected: all, got: delivered))
            return
        }
        let rest = try await read(self.source, from: last.checkpoint)
        let seen = Self.keys((reading == .incremental ? outcome.delivered : []) + rest)
        try require(
            seen == all,
            "cancelled after batch 1, \(outcome.delivered.count) batches delivered before it stopped, resumed from the last: "
                + Self.difference(expected: all, got: seen))
    }

    func badInputIsKept(_ source: any Source) async throws {
        let batches = try await read(source)
        let rejections = batches.flatMap(\.rejections)
        try require(!rejections.isEmpty, "the bad input gave no rejection")
        for rejection in rejections {
            try require(!rejection.location.description.isEmpty, "a rejection without a location: \(rejection.reason)")
            try require(!rejection.reason.isEmpty, "a rejection without a reason at \(rejection.location)")
            try require(!rejection.raw.isEmpty, "a rejection without its raw form at \(rejection.location)")
        }
        try require(batches.contains { !$0.records.isEmpty }, "the good records of the bad input were not read")
        if let expectedBadRecords {
            let count = batches.reduce(0) { $0 + $1.records.count + $1.rejections.count + $1.skipped }
            try require(
                count == expectedBadRecords,
                "\(expectedBadRecords) records in the bad input, \(count) read, rejected or skipped: \(expectedBadRecords - count) thrown away")
        }
    }

    /// Reads `source` from `checkpoint` to its end.
    func read(_ source: any Source, from checkpoint: Checkpoint? = nil) async throws -> [SourceBatch] {
        var reader = try await source.open(resumingFrom: checkpoint, logger: logger)
        var batches: [SourceBatch] = []
        while let batch = try await reader.nextBatch(maxRecords: batchSize) {
            batches.append(batch)
            try require(batches.count <= 1_000_000 / max(batchSize, 1), "the read does not end")
        }
        return batches
    }
}
