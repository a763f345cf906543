import Foundation

/// What started a run.
public enum RunTrigger: String, Sendable, Codable, CaseIterable {
    case cli, schedule, api
}

/// The state of a run in the run history.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running, success, failed, interrupted
}

/// Identifier of a run in the run log.
public struct RunID: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// Per-run counters, added to by every committed batch.
public struct RunCounters: Sendable, Hashable {
    /// Records normalized and written (new or already present).
    public var processed: Int
    /// Records rejected into quarantine.
    public var quarantined: Int
    /// Records left out because nothing about them was new.
    public var skipped: Int
    /// Records a transform step left out on purpose (a filter, a duplicate dropped by dedupe).
    public var filtered: Int
    /// Processed records whose price moved beyond `checks.max_price_change` (stored, and flagged).
    public var anomalies: Int

    public init(processed: Int = 0, quarantined: Int = 0, skipped: Int = 0, filtered: Int = 0, anomalies: Int = 0) {
        self.processed = processed
        self.quarantined = quarantined
        self.skipped = skipped
        self.filtered = filtered
        self.anomalies = anomalies
    }

    /// Every record the run read, whatever became of it.
    public var read: Int { processed + quarantined + skipped + filtered }

    /// Valid records the source delivered, new or unchanged: what the count checks compare.
    public var received: Int { processed + skipped }

    public static func + (lhs: Self, rhs: Self) -> Self {
        .init(
            processed: lhs.processed + rhs.processed,
            quarantined: lhs.quarantined + rhs.quarantined,
            skipped: lhs.skipped + rhs.skipped,
            filtered: lhs.filtered + rhs.filtered, anomalies: lhs.anomalies + rhs.anomalies)
    }
}

/// The outcome of one pipeline run, as recorded in the run history.
public struct RunReport: Sendable {
    public var runID: RunID
    public var pipeline: String
    public var trigger: RunTrigger
    public var status: RunStatus
    public var startedAt: Date
    public var finishedAt: Date
    public var counters: RunCounters
    public var message: String?
    /// The run's check results (see ``RunChecks``).
    public var checks: [CheckResult]
    /// The pipeline's run that finished before this one, if any: what notifications compare with.
    public var previous: RunRecord?

    public init(
        runID: RunID, pipeline: String, trigger: RunTrigger, status: RunStatus, startedAt: Date,
        finishedAt: Date, counters: RunCounters, message: String?, checks: [CheckResult] = [], previous: RunRecord? = nil
    ) {
        self.runID = runID
        self.pipeline = pipeline
        self.trigger = trigger
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.counters = counters
        self.message = message
        self.checks = checks
        self.previous = previous
    }

    public var duration: TimeInterval { finishedAt.timeIntervalSince(startedAt) }
}
