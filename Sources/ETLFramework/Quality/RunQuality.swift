/// What a run's end records beside its status: the check results, the tickers it received and the run
/// they are compared with.
public struct RunQuality: Sendable {
    public var checks: [CheckResult]
    /// The distinct tickers of the records the run received, sorted.
    public var tickers: [String]
    public var comparedRun: RunID?

    public init(checks: [CheckResult] = [], tickers: [String] = [], comparedRun: RunID? = nil) {
        self.checks = checks
        self.tickers = tickers
        self.comparedRun = comparedRun
    }

    /// Tickers as stored: one per line.
    public var tickerText: String { tickers.joined(separator: "\n") }

    /// Tickers from their stored text.
    public static func tickers(fromText text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}
