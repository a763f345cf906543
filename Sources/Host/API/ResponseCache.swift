import Foundation
import Synchronization

/// Answers kept until the data changes: every committed batch and every run start or end bumps
/// the version (through the store's change notifications), which makes every entry stale. Entries
/// also expire after ``timeToLive`` in case a notification is lost. Concurrent misses of one key
/// share one computation, so a burst of requests after a change costs one query, not one each.
final class ResponseCache: Sendable {
    struct Entry {
        var version: Int
        var stored: ContinuousClock.Instant
        var value: any Sendable
    }

    struct State {
        var version = 0
        var entries: [String: Entry] = [:]
        /// Computations in flight, by version and key, with who waits for them.
        var pending: [PendingKey: [CheckedContinuation<any Sendable, any Error>]] = [:]
    }

    struct PendingKey: Hashable {
        var version: Int
        var key: String
    }

    private let state = Mutex(State())
    let timeToLive: Duration
    let capacity: Int

    init(timeToLive: Duration = .seconds(30), capacity: Int = 10_000) {
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

    private enum Lookup {
        case hit(any Sendable)
        case wait(version: Int)
        case compute(version: Int)
    }

    /// Another request's computation ended before this one could wait for it: look again.
    private struct LookAgain: Error {}

    /// The cached value of `key`, or the result of `make` (stored unless the data changed meanwhile).
    /// The first request to miss computes it; requests missing meanwhile wait for that result.
    func value<Value: Sendable>(for key: String, make: () async throws -> Value) async throws -> Value {
        while true {
            let now = ContinuousClock.now
            let lookup = state.withLock { state -> Lookup in
                if let entry = state.entries[key], entry.version == state.version, now - entry.stored < timeToLive {
                    return .hit(entry.value)
                }
                if state.pending[PendingKey(version: state.version, key: key)] != nil { return .wait(version: state.version) }
                state.pending[PendingKey(version: state.version, key: key)] = []
                return .compute(version: state.version)
            }
            switch lookup {
            case .hit(let value):
                if let value = value as? Value { return value }
                return try await make()
            case .wait(let version):
                do {
                    let pendingKey = PendingKey(version: version, key: key)
                    let value = try await withCheckedThrowingContinuation { continuation in
                        let waiting = state.withLock { state -> Bool in
                            guard state.pending[pendingKey] != nil else { return false }
                            state.pending[pendingKey]!.append(continuation)
                            return true
                        }
                        if !waiting { continuation.resume(throwing: LookAgain()) }
                    }
                    if let value = value as? Value { return value }
                    return try await make()
                } catch is LookAgain {
                    continue
                }
            case .compute(let version):
                let result: Result<Value, any Error>
                do {
                    result = .success(try await make())
                } catch {
                    result = .failure(error)
                }
                let waiters = state.withLock { state -> [CheckedContinuation<any Sendable, any Error>] in
                    let waiters = state.pending.removeValue(forKey: PendingKey(version: version, key: key)) ?? []
                    if case .success(let value) = result, state.version == version {
                        if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
                        state.entries[key] = Entry(version: version, stored: now, value: value)
                    }
                    return waiters
                }
                for waiter in waiters {
                    switch result {
                    case .success(let value): waiter.resume(returning: value)
                    case .failure(let error): waiter.resume(throwing: error)
                    }
                }
                return try result.get()
            }
        }
    }
}
