import Foundation

/// The `checks:` block of a pipeline: what a run is held to. Each check is a limit, or a mapping
/// `{ limit: ..., on_fail: warn | fail }`; `on_fail` at the block's level is the default of its checks.
public struct ChecksSpec: Sendable, Decodable {
    /// The largest share of the records read that may be quarantined (`5%`, or a share such as 0.05).
    public var maxQuarantined: CheckSetting<Share>?
    /// The fewest records a run must receive.
    public var minRecords: CheckSetting<Int>?
    /// The largest change of records received against the previous successful run (`50%`).
    public var maxCountChange: CheckSetting<ChangeShare>?
    /// The largest move of an asset's price from its previous observation (`50%`, `900%`).
    public var maxPriceChange: CheckSetting<ChangeShare>?
    /// The oldest the pipeline's newest observation may be when a run ends (`30m`).
    public var freshness: CheckSetting<ConfigDuration>?
    /// What a failing check does when it does not say: `warn` (the default) or `fail`.
    public var onFail: CheckActionSpec?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxQuarantined = "max_quarantined"
        case minRecords = "min_records"
        case maxCountChange = "max_count_change"
        case maxPriceChange = "max_price_change"
        case freshness
        case onFail = "on_fail"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var problems = ConfigProblems()
        maxQuarantined = problems.attempt { try container.decodeIfPresent(CheckSetting<Share>.self, forKey: .maxQuarantined) } ?? nil
        minRecords = problems.attempt { try container.decodeIfPresent(CheckSetting<Int>.self, forKey: .minRecords) } ?? nil
        maxCountChange = problems.attempt { try container.decodeIfPresent(CheckSetting<ChangeShare>.self, forKey: .maxCountChange) } ?? nil
        maxPriceChange = problems.attempt { try container.decodeIfPresent(CheckSetting<ChangeShare>.self, forKey: .maxPriceChange) } ?? nil
        freshness = problems.attempt { try container.decodeIfPresent(CheckSetting<ConfigDuration>.self, forKey: .freshness) } ?? nil
        onFail = problems.attempt { try container.decodeIfPresent(CheckActionSpec.self, forKey: .onFail) } ?? nil
        try problems.throwIfAny()
    }

    /// The checks this block asks for, defaults filled in. `max_quarantined` keeps failing its run
    /// unless told otherwise (it always has); the other checks warn unless told otherwise.
    public var runChecks: RunChecks {
        let fallback = onFail?.action ?? .warn
        func limit<T, V>(_ setting: CheckSetting<T>?, _ value: (T) -> V) -> CheckLimit<V>? {
            setting.map { CheckLimit(value($0.limit), onFail: $0.onFail?.action ?? fallback) }
        }
        return RunChecks(
            maxQuarantined: CheckLimit(
                maxQuarantined?.limit.value ?? RunChecks.defaultMaxQuarantinedShare,
                onFail: maxQuarantined?.onFail?.action ?? onFail?.action ?? .fail),
            minRecords: limit(minRecords) { $0 }, maxCountChange: limit(maxCountChange) { $0.value },
            maxPriceChange: limit(maxPriceChange) { $0.value }, freshness: limit(freshness) { $0.duration })
    }
}

/// One check's setting: its limit, written alone (`50%`) or with what its failure does
/// (`{ limit: 50%, on_fail: fail }`).
public struct CheckSetting<Limit: Decodable & Sendable>: Sendable, Decodable {
    public var limit: Limit
    public var onFail: CheckActionSpec?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case limit
        case onFail = "on_fail"
    }

    public init(from decoder: any Decoder) throws {
        if case .mapping? = (decoder as? any ConfigNodeDecoding)?.configNode.kind {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            var problems = ConfigProblems()
            let limit = problems.attempt { try container.decode(Limit.self, forKey: .limit) }
            onFail = problems.attempt { try container.decodeIfPresent(CheckActionSpec.self, forKey: .onFail) } ?? nil
            try problems.throwIfAny()
            self.limit = limit!
        } else {
            limit = try Limit(from: decoder)
            onFail = nil
        }
    }
}

/// `warn` or `fail`, as written in a `checks:` block.
public struct CheckActionSpec: Sendable, Decodable {
    public var action: CheckAction

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let action = CheckAction(rawValue: text) else {
            let message = "on_fail must be warn or fail, got \"\(text.prefix(40))\""
            if let node = (decoder as? any ConfigNodeDecoding)?.configNode { throw node.diagnostic(message) }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
        self.action = action
    }
}
