import Synchronization
import Testing

@testable import Host

/// A counter shared by concurrent test tasks.
final class Counter: Sendable {
    let count = Mutex(0)
}

@Suite struct ResponseCacheTests {
    @Test func concurrentMissesShareOneComputation() async throws {
        let cache = ResponseCache()
        let calls = Counter()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await cache.value(for: "k") { () -> Int in
                        calls.count.withLock { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(100))
                        return 42
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: 42, count: 50))
        #expect(calls.count.withLock { $0 } == 1)
    }

    @Test func aChangeMakesEveryEntryStale() async throws {
        let cache = ResponseCache()
        #expect(try await cache.value(for: "k") { 1 } == 1)
        #expect(try await cache.value(for: "k") { 2 } == 1)
        cache.invalidate()
        #expect(try await cache.value(for: "k") { 3 } == 3)
    }

    @Test func failuresAreNotCachedAndReachEveryWaiter() async throws {
        struct Boom: Error {}
        let cache = ResponseCache()
        await #expect(throws: Boom.self) { try await cache.value(for: "k") { () -> Int in throw Boom() } }
        #expect(try await cache.value(for: "k") { 7 } == 7)
    }
}
