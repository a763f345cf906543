import ETLFramework
import Synchronization

extension SourceAcceptance {
    /// A record or a rejection, as the checks compare them: where it is and what it holds.
    struct Item: Hashable {
        var location: String
        var content: String
        var key: String { "\(location) \(content.prefix(80))" }
    }

    static func items(_ batch: SourceBatch) -> [Item] {
        batch.records.map { Item(location: $0.location.description, content: $0.payloadText) }
            + batch.rejections.map { Item(location: $0.location.description, content: "rejected: " + $0.raw) }
    }

    /// Every item of `batches` with the number of times it was given.
    static func keys(_ batches: [SourceBatch]) -> [Item: Int] {
        batches.flatMap(items).reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// What differs between two readings, said briefly.
    static func difference(expected: [Item: Int], got: [Item: Int]) -> String {
        let twice = got.filter { $0.value > (expected[$0.key] ?? 0) && expected[$0.key] != nil }.map(\.key.key).sorted()
        let missing = expected.filter { (got[$0.key] ?? 0) < $0.value }.map(\.key.key).sorted()
        let unknown = got.filter { expected[$0.key] == nil }.map(\.key.key).sorted()
        var parts: [String] = []
        if !twice.isEmpty { parts.append("\(twice.count) given twice (first \(twice[0]))") }
        if !missing.isEmpty { parts.append("\(missing.count) missing (first \(missing[0]))") }
        if !unknown.isEmpty { parts.append("\(unknown.count) not in a full read (first \(unknown[0]))") }
        return parts.isEmpty ? "the same records" : parts.joined(separator: "; ")
    }

    /// The task's value, or `nil` when it has not ended after `limit` (a task that ignores its
    /// cancellation is left behind rather than waited for).
    static func value<T: Sendable>(of task: Task<T, any Error>, within limit: Duration) async throws -> T? {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let watcher = Task {
            let result = await task.result
            outcome.withLock { $0 = result }
        }
        defer { watcher.cancel() }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let result = outcome.withLock({ $0 }) { return try result.get() }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}
