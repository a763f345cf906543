import Synchronization
import Testing

@testable import Server
import StandardPlugins

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

    @Test func memoryIsBoundedInBytesEvictingTheOldest() async throws {
        let cache = ResponseCache(capacityBytes: 100_000)
        let answer = [UInt8](repeating: 65, count: 1_000)
        for index in 0..<3_232 {
            _ = try await cache.value(for: "data?offset=\(index)") { answer }
        }
        #expect(cache.bytesHeld <= 100_000)
        #expect(cache.count >= 90)
        // The newest are kept, the oldest evicted.
        #expect(try await cache.value(for: "data?offset=3231") { [UInt8]() } == answer)
        #expect(try await cache.value(for: "data?offset=0") { [UInt8]() } == [])
        // One answer larger than the whole bound is served, not kept.
        let huge = [UInt8](repeating: 66, count: 200_000)
        #expect(try await cache.value(for: "huge") { huge } == huge)
        #expect(cache.bytesHeld <= 100_000)
    }
}
