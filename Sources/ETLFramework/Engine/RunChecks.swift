/// Checks a finished run must pass to count as a success (`checks:` in a pipeline block).
public struct RunChecks: Sendable, Hashable {
    /// The largest share (0...1) of the records read that may be quarantined; above it the run fails.
    public var maxQuarantinedShare: Double

    public static let defaultMaxQuarantinedShare = 0.5

    public init(maxQuarantinedShare: Double = Self.defaultMaxQuarantinedShare) {
        self.maxQuarantinedShare = maxQuarantinedShare
    }

    /// Why the run fails its checks, or `nil` when it passes. Records read = processed + quarantined
    /// + skipped + filtered; a run that read nothing passes.
    public func failure(_ counters: RunCounters, reasons: ReasonTally) -> String? {
        let read = counters.read
        guard read > 0 else { return nil }
        let share = Double(counters.quarantined) / Double(read)
        guard share > maxQuarantinedShare else { return nil }
        let common = reasons.mostCommon(3).map { "\($0.reason) (\($0.count))" }.joined(separator: "; ")
        return "quarantined \(Self.percent(share)) of \(read) records read, above the limit of "
            + "\(Self.percent(maxQuarantinedShare)) (checks.max_quarantined)"
            + (common.isEmpty ? "" : "; most common reasons: \(common)")
    }

    static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }
}

/// Counts quarantine reasons by kind: quoted values and numbers in a reason are masked, so that
/// "price_usd must be greater than 0, got -1" and "..., got -7" count as one kind.
public struct ReasonTally: Sendable {
    private(set) var counts: [String: Int] = [:]
    private var order: [String] = []

    public init() {}

    public mutating func add(_ reason: String, count: Int = 1) {
        guard count > 0 else { return }
        let kind = Self.kind(of: reason)
        if counts[kind] == nil { order.append(kind) }
        counts[kind, default: 0] += count
    }

    /// The `limit` most frequent kinds, most frequent first (first seen first among equals).
    public func mostCommon(_ limit: Int) -> [(reason: String, count: Int)] {
        order.enumerated().sorted { a, b in
            let (ca, cb) = (counts[a.element]!, counts[b.element]!)
            return ca != cb ? ca > cb : a.offset < b.offset
        }.prefix(limit).map { ($0.element, counts[$0.element]!) }
    }

    static func kind(of reason: String) -> String {
        var out = ""
        var inQuote = false
        var inNumber = false
        var previous: Character = " "
        for character in reason.prefix(300) {
            defer { previous = character }
            if character == "\"" {
                if !inQuote { out += "\"…\"" }
                inQuote.toggle()
                continue
            }
            if inQuote { continue }
            // A number stands alone: digits inside a name (volume_24h_usd) are kept.
            let startsNumber = character.isNumber && !(previous.isLetter || previous == "_")
            if startsNumber || (inNumber && (character.isNumber || character == "." || character == "e" || character == "+" || character == "-")) {
                if !inNumber { out += "N" }
                inNumber = true
                continue
            }
            inNumber = false
            out.append(character)
        }
        return out
    }
}
