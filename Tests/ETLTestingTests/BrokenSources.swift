import ETLFramework
import ETLTesting
import Logging

/// Sources with one mistake each, which the source suite must catch.
enum BrokenSources {
    /// Resumes one batch early: the last batch before a stop is read twice.
    struct ReReadsTheLastBatch: Source {
        var inner: RecordedSource
        var type: String { inner.type }

        func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
            guard let next = checkpoint?.decode(Position.self, kind: type)?.next else {
                return try await inner.open(resumingFrom: nil, logger: logger)
            }
            let earlier = try Checkpoint(kind: type, encoding: Position(next: max(0, next - 2)))
            return try await inner.open(resumingFrom: earlier, logger: logger)
        }
    }

    /// Leaves out the records it cannot read instead of rejecting them.
    struct DropsBadRecords: Source {
        var inner: RecordedSource
        var type: String { inner.type }

        func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
            Reader(inner: try await inner.open(resumingFrom: checkpoint, logger: logger))
        }

        struct Reader: SourceReader {
            var inner: any SourceReader

            mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
                guard var batch = try await inner.nextBatch(maxRecords: maxRecords) else { return nil }
                batch.rejections = []
                return batch
            }
        }
    }

    /// Takes a cancelled task for the end of its input.
    struct EndsWhenCancelled: Source {
        var inner: RecordedSource
        var type: String { inner.type }

        func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
            Reader(inner: try await inner.open(resumingFrom: checkpoint, logger: logger))
        }

        struct Reader: SourceReader {
            var inner: any SourceReader

            mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
                if Task.isCancelled { return nil }
                return try await inner.nextBatch(maxRecords: maxRecords)
            }
        }
    }

    /// The checkpoint state of ``RecordedSource``.
    struct Position: Codable {
        var next: Int
    }
}
