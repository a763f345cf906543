import ETLFramework
import Foundation
import PostgresNIO
import Synchronization

/// The streaming replicas a PostgreSQL store spreads its API reads over (`read_urls`), and what it
/// knows of each: whether it answers, how far its replay is behind the primary, and the oldest WAL
/// position a read may be served from (the *floor*).
///
/// The floor rises with every change the host learns of (its own batches, other hosts' change
/// notifications, answers the primary gave): a replica that has not replayed up to it is skipped, so
/// an answer is never older than one already given or than the change that emptied the cache.
final class ReadReplicas: Sendable {
    /// One replica: its pool and the name it is shown under (`host:port`).
    struct Member: Sendable {
        let name: String
        let client: PostgresClient
    }

    struct Known: Sendable {
        var answering = false
        var inRecovery = true
        var replay: LSN?
        var lagSeconds: Double?
        var reads = 0
        var problem: String?

        /// Whether it serves reads, given the store's `max_lag` in seconds (the floor aside).
        func state(maxLag: Double) -> ReplicaStatus.State {
            if !answering { return .down }
            if !inRecovery { return .notReplica }
            if let lagSeconds, lagSeconds > maxLag { return .lagging }
            return .ok
        }
    }

    struct State: Sendable {
        var known: [Known]
        var floor = LSN.zero
        /// Set when a change was announced whose position could not be read: every read goes to
        /// the primary until the next poll of the primary's position.
        var floorUnknown = false
        /// The primary's position at each recent poll, oldest first: the time a position was first
        /// seen bounds how long a replica that has not replayed it is behind.
        var samples: [(lsn: LSN, at: ContinuousClock.Instant)] = []
        var next = 0
        /// Whether the primary answered the last poll (or read): when it does not, reads go to the
        /// replica that has replayed the most.
        var primaryAnswering = true
    }

    let members: [Member]
    let maxLag: Duration
    private let state: Mutex<State>

    /// How often the primary's and every replica's positions are read.
    static let pollInterval: Duration = .milliseconds(500)
    /// A poll or a read on a replica that takes longer counts as the replica being down.
    static let replicaDeadline: Duration = .seconds(2)
    /// A read on the primary, with replicas to fall back on, is given up after this when a poll has
    /// meanwhile found the primary away (within the API's five seconds, leaving one for a replica).
    static let primaryDeadline: Duration = .seconds(4)
    static let sampleLimit = 2_000

    init(members: [Member], maxLag: Duration) {
        self.members = members
        self.maxLag = maxLag
        self.state = Mutex(State(known: members.map { _ in Known() }))
    }

    /// A replica that may serve a read now (round robin over those that serve and have replayed up to
    /// the floor), or nil for the primary.
    func pick() -> Int? {
        state.withLock { state in
            guard !state.floorUnknown else { return nil }
            let eligible = state.known.indices.filter { index in
                state.known[index].state(maxLag: maxLag.seconds) == .ok && (state.known[index].replay ?? .zero) >= state.floor
            }
            guard !eligible.isEmpty else { return nil }
            state.next &+= 1
            return eligible[state.next % eligible.count]
        }
    }

    func served(by index: Int) {
        state.withLock { $0.known[index].reads += 1 }
    }

    /// A read on the replica failed for want of an answer: skip it until a poll gets one.
    func markDown(_ index: Int, reason: String) {
        state.withLock { state in
            state.known[index].answering = false
            state.known[index].problem = reason
        }
    }

    /// Whether the primary answered the last poll and no read has failed on it since.
    var primaryAnswering: Bool { state.withLock { $0.primaryAnswering } }

    /// A read on the primary got no answer: reads go to a replica until a poll reaches it again.
    func primaryFailed() {
        state.withLock { $0.primaryAnswering = false }
    }

    /// While the primary is away: the answering replica that has replayed the most, whatever the
    /// floor (its data is the newest there is to serve); nil when none answers.
    func freshest() -> Int? {
        state.withLock { state in
            state.known.indices.filter { state.known[$0].answering && state.known[$0].inRecovery }
                .max { (state.known[$0].replay ?? .zero) < (state.known[$1].replay ?? .zero) }
        }
    }

    /// No read may be served from before `lsn` from now on.
    func raiseFloor(to lsn: LSN) {
        state.withLock { state in
            state.floor = max(state.floor, lsn)
            state.floorUnknown = false
        }
    }

    /// A change happened whose position is not known: the primary serves until the next poll.
    func floorIsUnknown() {
        state.withLock { $0.floorUnknown = true }
    }

    /// Records one poll: the primary's position (nil when it did not answer) and each replica's
    /// answer or why there was none; returns the status of each replica whose state changed.
    func record(
        primary: LSN?, replicas: [Result<(inRecovery: Bool, replay: LSN?), PollFailure>], at now: ContinuousClock.Instant
    ) -> [ReplicaStatus] {
        let before = statuses()
        state.withLock { state in
            state.primaryAnswering = primary != nil
            if let primary {
                if state.samples.last.map({ $0.lsn < primary }) ?? true { state.samples.append((primary, now)) }
                if state.samples.count > Self.sampleLimit { state.samples.removeFirst(state.samples.count - Self.sampleLimit) }
                // The primary's position now is at least that of any change announced before this poll.
                if state.floorUnknown { state.floor = max(state.floor, primary) }
                state.floorUnknown = false
            }
            for (index, result) in replicas.enumerated() {
                switch result {
                case .success(let answer):
                    state.known[index].answering = true
                    state.known[index].inRecovery = answer.inRecovery
                    state.known[index].replay = answer.replay
                    state.known[index].problem = nil
                    // Without the primary, how far behind it a replica is cannot be told.
                    state.known[index].lagSeconds =
                        primary == nil ? nil : answer.replay.map { Self.lag(of: $0, samples: state.samples, now: now) }
                case .failure(let failure):
                    state.known[index].answering = false
                    state.known[index].problem = failure.reason
                }
            }
        }
        let after = statuses()
        return zip(before, after).compactMap { $0.state == $1.state ? nil : $1 }
    }

    /// How long ago the primary first reached a position the replica has not replayed; 0 when it has
    /// replayed everything the primary had at the last poll.
    static func lag(of replay: LSN, samples: [(lsn: LSN, at: ContinuousClock.Instant)], now: ContinuousClock.Instant) -> Double {
        guard let first = samples.first(where: { $0.lsn > replay }) else { return 0 }
        return (now - first.at).seconds
    }

    func statuses() -> [ReplicaStatus] {
        state.withLock { state in
            zip(members, state.known).map { member, known in
                let limit = maxLag.seconds
                let stateName = known.state(maxLag: limit)
                let elsewhere = "; reads go to the other replicas or the primary"
                let reason: String? =
                    switch stateName {
                    case .ok: nil
                    case .down: "replica \(member.name) does not answer\(known.problem.map { ": \($0)" } ?? "")" + elsewhere
                    case .notReplica: "\(member.name) is not in recovery (not a replica, or promoted)" + elsewhere
                    case .lagging:
                        "replica \(member.name) is \(Self.text(known.lagSeconds ?? 0)) s behind the primary, more than max_lag (\(Self.text(limit)) s)"
                            + elsewhere
                    }
                return ReplicaStatus(name: member.name, state: stateName, lagSeconds: known.lagSeconds, reads: known.reads, reason: reason)
            }
        }
    }

    static func text(_ seconds: Double) -> String {
        String(format: "%.1f", seconds)
    }

    /// Why a poll of a replica got no answer.
    struct PollFailure: Error, Sendable {
        var reason: String
    }
}
