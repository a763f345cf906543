import Logging
import PostgresNIO
import Synchronization

/// The primary's connection pool, which can be replaced by a fresh one.
///
/// After an outage, PostgresNIO's pool waits between connection attempts for a delay that grows
/// with the outage (up to a minute), so it could keep failing for most of a minute after the server
/// answers again. When a direct connection succeeds while the pool does not answer (see
/// ``PostgresStore/ping(logger:)``), the store swaps in a new pool; the old one keeps serving what it
/// holds for ``retireGrace`` and is then shut down.
final class PrimaryPool: Sendable {
    struct State {
        var current: PostgresClient
        var generation = 0
        /// When a pool query last succeeded, and when the pool was last replaced.
        var lastAnswer: ContinuousClock.Instant = .now
        var lastReplaced: ContinuousClock.Instant?
        var hasAnswered = false
        /// Generations retired, with when they were.
        var retired: [Int: ContinuousClock.Instant] = [:]
    }

    private let state: Mutex<State>
    private let configuration: PostgresClient.Configuration
    private let logger: Logger
    private let started: AsyncStream<(Int, PostgresClient)>
    private let starter: AsyncStream<(Int, PostgresClient)>.Continuation

    /// How long a replaced pool keeps serving its leases before it is shut down.
    static let retireGrace: Duration = .seconds(20)
    /// A pool is not replaced again within this long.
    static let replaceInterval: Duration = .seconds(30)
    /// How long without any answer from the pool makes it a candidate for replacement.
    static let silence: Duration = .seconds(2)

    init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let first = PostgresClient(configuration: configuration, backgroundLogger: logger)
        state = Mutex(State(current: first))
        (started, starter) = AsyncStream.makeStream(of: (Int, PostgresClient).self)
        starter.yield((0, first))
    }

    var current: PostgresClient { state.withLock { $0.current } }

    /// Notes that the pool answered (a ping, a read, a batch): a pool that keeps answering is busy,
    /// not lagging behind, and is never replaced.
    func answered() {
        let now = ContinuousClock.now
        state.withLock {
            $0.lastAnswer = now
            $0.hasAnswered = true
        }
    }

    /// Whether this is the store's first pool and it has not answered yet: its first connection may
    /// still be opening on a busy server, which is no sign of a pool lagging behind.
    var isOpening: Bool {
        state.withLock { $0.generation == 0 && !$0.hasAnswered }
    }

    /// Whether the pool answered within ``silence``: one that is slow to answer now is busy (every
    /// connection taken by other work), not lagging behind the server.
    var answeredRecently: Bool {
        let now = ContinuousClock.now
        return state.withLock { now - $0.lastAnswer < Self.silence }
    }

    /// Whether the pool has been silent long enough, and not replaced recently, to be replaced.
    var mayReplace: Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            now - state.lastAnswer >= Self.silence && state.lastReplaced.map { now - $0 >= Self.replaceInterval } ?? true
        }
    }

    /// Starts a new pool, makes it the current one and retires the old one; returns the new one.
    func replace() -> PostgresClient {
        let fresh = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let now = ContinuousClock.now
        let generation = state.withLock { state -> Int in
            state.retired[state.generation] = now
            state.generation += 1
            state.current = fresh
            state.lastReplaced = now
            state.lastAnswer = now
            return state.generation
        }
        starter.yield((generation, fresh))
        return fresh
    }

    /// Runs every pool started, each until it is retired and its grace has passed (or until cancelled).
    func run() async {
        await withDiscardingTaskGroup { group in
            for await (generation, client) in started {
                group.addTask {
                    await withTaskGroup(of: Void.self) { pool in
                        pool.addTask { await client.run() }
                        pool.addTask { await self.waitRetired(generation) }
                        await pool.next()
                        pool.cancelAll()
                    }
                }
            }
            group.cancelAll()
        }
    }

    private func waitRetired(_ generation: Int) async {
        while !Task.isCancelled {
            let retiredAt = state.withLock { $0.retired[generation] }
            if let retiredAt, ContinuousClock.now - retiredAt >= Self.retireGrace {
                _ = state.withLock { $0.retired.removeValue(forKey: generation) }
                return
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
