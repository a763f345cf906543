/// A read replica as a store sees it, for `/health` and `/metrics`.
public struct ReplicaStatus: Sendable, Equatable {
    /// Whether reads go to it now.
    public enum State: String, Sendable {
        /// Serving reads.
        case ok
        /// Answering, but further behind the primary than the store's `max_lag`: skipped.
        case lagging
        /// Not answering (or its last read failed): skipped until it answers again.
        case down
        /// Answering, but not in recovery (not a replica of the primary, or promoted): skipped.
        case notReplica = "not_replica"
    }

    /// `host:port`, never the credentials.
    public var name: String
    public var state: State
    /// Seconds its replay is behind the primary, when known.
    public var lagSeconds: Double?
    /// Reads it has served since the host started.
    public var reads: Int
    /// Why it is skipped, in words.
    public var reason: String?

    public init(name: String, state: State, lagSeconds: Double?, reads: Int, reason: String?) {
        self.name = name
        self.state = state
        self.lagSeconds = lagSeconds
        self.reads = reads
        self.reason = reason
    }
}
