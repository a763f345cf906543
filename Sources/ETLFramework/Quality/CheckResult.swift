import Foundation

/// What a failed check does to its run.
public enum CheckAction: String, Sendable, Codable, CaseIterable {
    /// The run stays `success`; the failure is flagged on the run record.
    case warn
    /// The run is `failed` (exit status 1 with `--once`).
    case fail
}

/// The outcome of one check.
public enum CheckStatus: String, Sendable, Codable, CaseIterable {
    case passed, failed
    /// There was nothing to compare with (no earlier successful run, no stored data).
    case skipped
}

/// One check's result, stored with its run: what was observed, against which limit, compared with
/// which run.
///
/// `observed` and `limit` share a ``unit``: `share` (0.05 is 5%), `records` or `seconds`.
public struct CheckResult: Sendable, Hashable, Codable {
    public var name: String
    public var status: CheckStatus
    public var onFail: CheckAction
    /// The observed value; `nil` when the check was skipped or flagged nothing.
    public var observed: Double?
    public var limit: Double
    public var unit: String
    /// The run the value was compared with, for checks that compare runs.
    public var comparedRun: Int64?
    /// One sentence saying what was found, for people.
    public var detail: String

    public init(
        name: String, status: CheckStatus, onFail: CheckAction, observed: Double?, limit: Double, unit: String,
        comparedRun: Int64? = nil, detail: String
    ) {
        self.name = name
        self.status = status
        self.onFail = onFail
        self.observed = observed
        self.limit = limit
        self.unit = unit
        self.comparedRun = comparedRun
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case name, status, observed, limit, unit, detail
        case onFail = "on_fail"
        case comparedRun = "compared_run"
    }

    /// The failure, in the words a run message uses: `name: detail`.
    public var sentence: String { "\(name): \(detail)" }
}

extension [CheckResult] {
    /// The checks that failed.
    public var failed: [CheckResult] { filter { $0.status == .failed } }
}

extension [CheckResult] {
    /// The results as the stores keep them: a JSON array (`nil` for none).
    public var storedText: String? {
        guard !isEmpty, let data = try? JSONEncoder().encode(self) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Results from their stored text; none when there is none (or it cannot be read).
    public init(storedText text: String?) {
        guard let text, let decoded = try? JSONDecoder().decode([CheckResult].self, from: Data(text.utf8)) else {
            self = []
            return
        }
        self = decoded
    }
}
