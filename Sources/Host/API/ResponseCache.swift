import Foundation
import Synchronization

/// Answers kept until the data changes: every committed batch and every run start or end bumps
/// ``version`` (through the store's change notifications), which makes every entry stale. Entries
/// also expire after ``timeToLive`` in case a notification is lost.
final class ResponseCache: Sendable {
    struct Entry {
        var version: Int
        var stored: ContinuousClock.Instant
        var value: any Sendable
    }

    private let state = Mutex<(version: Int, entries: [String: Entry])>((0, [:]))
    let timeToLive: Duration
    let capacity: Int

    init(timeToLive: Duration = .seconds(5), capacity: Int = 10_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// Something changed: every entry is stale from now on.
    func invalidate() {
        state.withLock {
            $0.version += 1
            $0.entries.removeAll(keepingCapacity: true)
        }
    }

    /// The cached value of `key`, or the result of `make` (stored unless the data changed meanwhile).
    func value<Value: Sendable>(for key: String, make: () async throws -> Value) async rethrows -> Value {
        let now = ContinuousClock.now
        let (version, hit) = state.withLock { state -> (Int, Value?) in
            guard let entry = state.entries[key], entry.version == state.version, now - entry.stored < timeToLive else {
                return (state.version, nil)
            }
            return (state.version, entry.value as? Value)
        }
        if let hit { return hit }
        let value = try await make()
        state.withLock { state in
            guard state.version == version else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(version: version, stored: now, value: value)
        }
        return value
    }
}
