import Foundation

/// A check's limit and what its failure does.
public struct CheckLimit<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var onFail: CheckAction

    public init(_ value: Value, onFail: CheckAction) {
        self.value = value
        self.onFail = onFail
    }
}

/// The checks a finished run is held to (`checks:` in a pipeline block). Only `max_quarantined` is
/// always on (50%, `fail`); the others run when configured.
public struct RunChecks: Sendable, Hashable {
    /// The largest share (0...1) of the records read that may be quarantined.
    public var maxQuarantined: CheckLimit<Double>
    /// The fewest records a run must receive (processed + unchanged).
    public var minRecords: CheckLimit<Int>?
    /// The largest change of records received against the previous successful run (a share; 0.5 is 50%).
    public var maxCountChange: CheckLimit<Double>?
    /// The largest move of one asset's price from its previous observation (a share).
    public var maxPriceChange: CheckLimit<Double>?
    /// The oldest the pipeline's newest stored observation may be when the run ends.
    public var freshness: CheckLimit<Duration>?

    public static let defaultMaxQuarantinedShare = 0.5

    public init(
        maxQuarantined: CheckLimit<Double> = .init(Self.defaultMaxQuarantinedShare, onFail: .fail),
        minRecords: CheckLimit<Int>? = nil, maxCountChange: CheckLimit<Double>? = nil,
        maxPriceChange: CheckLimit<Double>? = nil, freshness: CheckLimit<Duration>? = nil
    ) {
        self.maxQuarantined = maxQuarantined
        self.minRecords = minRecords
        self.maxCountChange = maxCountChange
        self.maxPriceChange = maxPriceChange
        self.freshness = freshness
    }

    /// Evaluates every configured check, in a fixed order.
    public func evaluate(_ facts: RunFacts) -> [CheckResult] {
        var results = [quarantineResult(facts)]
        if let minRecords { results.append(Self.minRecordsResult(minRecords, facts)) }
        if let maxCountChange { results.append(Self.countChangeResult(maxCountChange, facts)) }
        if let maxPriceChange { results.append(Self.priceChangeResult(maxPriceChange, facts)) }
        if let freshness { results.append(Self.freshnessResult(freshness, facts)) }
        return results
    }

    func quarantineResult(_ facts: RunFacts) -> CheckResult {
        let read = facts.counters.read
        let share = read > 0 ? Double(facts.counters.quarantined) / Double(read) : 0
        let limit = maxQuarantined.value
        let failed = share > limit
        var detail =
            "quarantined \(Self.percent(share)) of \(read) records read, "
            + (failed ? "above" : "within") + " the limit of \(Self.percent(limit))"
        let common = facts.reasons.mostCommon(3).map { "\($0.reason) (\($0.count))" }.joined(separator: "; ")
        if failed, !common.isEmpty { detail += "; most common reasons: \(common)" }
        return CheckResult(
            name: "max_quarantined", status: failed ? .failed : .passed, onFail: maxQuarantined.onFail, observed: share,
            limit: limit, unit: "share", detail: detail)
    }

    static func minRecordsResult(_ check: CheckLimit<Int>, _ facts: RunFacts) -> CheckResult {
        let received = facts.counters.received
        let failed = received < check.value
        return CheckResult(
            name: "min_records", status: failed ? .failed : .passed, onFail: check.onFail, observed: Double(received),
            limit: Double(check.value), unit: "records",
            detail: "received \(received) records (\(facts.counters.processed) new, \(facts.counters.skipped) unchanged), "
                + (failed ? "fewer than" : "at least") + " \(check.value)")
    }

    static func countChangeResult(_ check: CheckLimit<Double>, _ facts: RunFacts) -> CheckResult {
        func skipped(_ why: String, run: Int64? = nil) -> CheckResult {
            CheckResult(
                name: "max_count_change", status: .skipped, onFail: check.onFail, observed: nil, limit: check.value,
                unit: "share", comparedRun: run, detail: why)
        }
        guard let previous = facts.previousSuccess else { return skipped("no earlier successful run to compare with") }
        let before = previous.counters.received
        guard before > 0 else {
            return skipped("run \(previous.id) received no records to compare with", run: previous.id.rawValue)
        }
        let now = facts.counters.received
        let change = Double(now - before) / Double(before)
        let failed = abs(change) > check.value
        return CheckResult(
            name: "max_count_change", status: failed ? .failed : .passed, onFail: check.onFail, observed: change,
            limit: check.value, unit: "share", comparedRun: previous.id.rawValue,
            detail: "received \(now) records against \(before) in run \(previous.id) (\(signedPercent(change))), "
                + (failed ? "beyond" : "within") + " the limit of \(percent(check.value))")
    }

    static func priceChangeResult(_ check: CheckLimit<Double>, _ facts: RunFacts) -> CheckResult {
        let flagged = facts.counters.anomalies
        guard flagged > 0 else {
            return CheckResult(
                name: "max_price_change", status: .passed, onFail: check.onFail, observed: nil, limit: check.value,
                unit: "share", detail: "no price moved more than \(percent(check.value)) from its previous observation")
        }
        let largest = facts.largestPriceMove
        return CheckResult(
            name: "max_price_change", status: .failed, onFail: check.onFail, observed: largest, limit: check.value,
            unit: "share",
            detail: "\(flagged) price\(flagged == 1 ? "" : "s") moved more than \(percent(check.value)) from the previous "
                + "observation" + (largest.map { "; the largest by \(signedPercent($0))" } ?? "")
                + " (listed as the run's anomalies)")
    }

    static func freshnessResult(_ check: CheckLimit<Duration>, _ facts: RunFacts) -> CheckResult {
        let limit = check.value.seconds
        guard let newest = facts.newestObservation else {
            return CheckResult(
                name: "freshness", status: .skipped, onFail: check.onFail, observed: nil, limit: limit, unit: "seconds",
                detail: "the pipeline has no stored observations")
        }
        let age = (max(0, facts.now.timeIntervalSince(newest)) * 1000).rounded() / 1000
        let failed = age > limit
        return CheckResult(
            name: "freshness", status: failed ? .failed : .passed, onFail: check.onFail, observed: age, limit: limit,
            unit: "seconds",
            detail: "the newest observation is \(age.spokenDuration) old (\(Timestamp(newest).iso8601)), "
                + (failed ? "older than" : "within") + " the limit of \(limit.spokenDuration)")
    }

    /// `50%`, `2.5%`: a share for people.
    public static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }

    /// `+9900%`, `-50%`: a change for people.
    public static func signedPercent(_ share: Double) -> String {
        (share >= 0 ? "+" : "") + percent(share)
    }
}
