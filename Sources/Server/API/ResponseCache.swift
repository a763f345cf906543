import ETLFramework
import Foundation
import Synchronization

/// Answers kept until the data changes: every committed batch and every run start or end bumps
/// the version (through the store's change notifications), which makes every entry stale. Entries
/// also expire after ``timeToLive`` in case a notification is lost. Concurrent misses of one key
/// share one computation, so a burst of requests after a change costs one query, not one each.
///
/// Memory is bounded in bytes (``capacityBytes``, counting each answer's bytes and its key): an
/// entry that would pass the bound first evicts the oldest entries. Callers normalize keys (a
/// query's typed form), so `btc` and `BTC` are one entry.
final class ResponseCache: Sendable {
    struct Entry {
        var version: Int
        var stored: ContinuousClock.Instant
        var value: any Sendable
        var cost: Int
    }

    struct State {
        var version = 0
        var entries: [String: Entry] = [:]
        /// Keys in the order they were stored, for eviction (stale keys are skipped).
        var order: [String] = []
        var bytes = 0
        /// Computations in flight, by version and key, with who waits for them.
        var pending: [PendingKey: [CheckedContinuation<any Sendable, any Error>]] = [:]
    }

    struct PendingKey: Hashable {
        var version: Int
        var key: String
    }

    private let state = Mutex(State())
    let timeToLive: Duration
    let capacityBytes: Int

    init(timeToLive: Duration = .seconds(30), capacityBytes: Int = 64 << 20) {
        self.timeToLive = timeToLive
        self.capacityBytes = capacityBytes
    }

    /// Something changed: every entry is stale from now on.
    func invalidate() {
        state.withLock {
            $0.version += 1
            $0.entries.removeAll(keepingCapacity: true)
            $0.order.removeAll(keepingCapacity: true)
            $0.bytes = 0
        }
    }

    /// Bytes held now (answers and keys), for tests and metrics.
    var bytesHeld: Int { state.withLock { $0.bytes } }
    var count: Int { state.withLock { $0.entries.count } }

    static func cost(of value: any Sendable, key: String) -> Int {
        key.utf8.count + 64 + ((value as? any CacheSized)?.cacheBytes ?? 1024)
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
                        let cost = Self.cost(of: value, key: key)
                        if cost <= capacityBytes {
                            if let old = state.entries.removeValue(forKey: key) {
                                state.bytes -= old.cost
                                state.order.removeAll { $0 == key }
                            }
                            var evicted = 0
                            while state.bytes + cost > capacityBytes, evicted < state.order.count {
                                if let old = state.entries.removeValue(forKey: state.order[evicted]) { state.bytes -= old.cost }
                                evicted += 1
                            }
                            state.order.removeFirst(evicted)
                            state.entries[key] = Entry(version: version, stored: now, value: value, cost: cost)
                            state.order.append(key)
                            state.bytes += cost
                        }
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

/// A value that knows how many bytes it holds in a ``ResponseCache``.
protocol CacheSized {
    var cacheBytes: Int { get }
}

extension [UInt8]: CacheSized {
    var cacheBytes: Int { count }
}

extension RecordMarks: CacheSized {
    var cacheBytes: Int { marks.reduce(0) { $0 + $1.utf8.count + 16 } }
}
