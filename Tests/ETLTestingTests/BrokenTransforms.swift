import ETLFramework
import Synchronization

/// Transform steps with one mistake each, which the transform suite must catch.
enum BrokenTransforms {
    /// Leaves out records without a price and does not count them.
    struct LosesRecords: Transformer {
        mutating func transform(_ records: [ChainRecord]) -> StepOutput {
            StepOutput(records: records.filter { $0.payload.value(at: "price") != nil })
        }
    }

    /// Adds a field that `checkFields` does not name.
    struct HidesAField: Transformer {
        mutating func transform(_ records: [ChainRecord]) -> StepOutput {
            StepOutput(
                records: records.map { record in
                    var record = record
                    if case .object(let fields) = record.payload { record.payload = .object(fields + [RawField("hidden", .string("x"))]) }
                    return record
                })
        }
    }

    /// Rejects a record and keeps it too.
    struct KeepsWhatItRejects: Transformer {
        mutating func transform(_ records: [ChainRecord]) -> StepOutput {
            StepOutput(records: records, rejections: records.prefix(1).map { RecordRejection(origin: $0.origin, field: nil, reason: "bad") })
        }
    }

    /// Shares a counter between its copies, so a second run differs from the first.
    struct RemembersAcrossRuns: Transformer {
        let seen = Counter()

        mutating func transform(_ records: [ChainRecord]) -> StepOutput {
            let total = seen.add(records.count)
            return total > 4 ? StepOutput(filtered: records.count) : StepOutput(records: records)
        }
    }

    /// A count shared by reference.
    final class Counter: Sendable {
        let value = Mutex(0)

        func add(_ count: Int) -> Int {
            value.withLock {
                $0 += count
                return $0
            }
        }
    }
}
