import ETLFramework
import HostSupport

/// The run history's parts as JSON: a check's result, a run's comparison, an anomaly.
extension API {
    static func json(_ anomaly: Anomaly) -> RawValue {
        JSON.object([
            ("ticker", .string(anomaly.ticker)), ("source", .string(anomaly.source)),
            ("source_asset_id", .string(anomaly.sourceAssetID)), ("observed_at", JSON.time(anomaly.observedAt)),
            ("price_usd", JSON.decimal(anomaly.priceUSD)),
            (
                "previous",
                JSON.object([
                    ("price_usd", JSON.decimal(anomaly.previousPriceUSD)), ("observed_at", JSON.time(anomaly.previousObservedAt)),
                    ("source", .string(anomaly.previousSource)),
                ])
            ),
            ("change", JSON.double(anomaly.change)), ("location", .string(anomaly.location)), ("raw", .string(anomaly.raw)),
        ])
    }

    static func json(_ comparison: RunComparison) -> RawValue {
        func tickers(_ list: [String]) -> RawValue {
            JSON.object([
                ("count", JSON.integer(list.count)), ("tickers", .array(list.prefix(100).map { .string($0) })),
            ])
        }
        return JSON.object([
            ("run_id", JSON.integer(comparison.previousRun.rawValue)),
            (
                "records",
                JSON.object([
                    ("before", JSON.integer(comparison.recordsBefore)), ("now", JSON.integer(comparison.recordsNow)),
                    (
                        "change",
                        comparison.recordsBefore > 0
                            ? JSON.double(Double(comparison.recordsNow - comparison.recordsBefore) / Double(comparison.recordsBefore))
                            : .null
                    ),
                ])
            ),
            ("new_tickers", tickers(comparison.newTickers)), ("vanished_tickers", tickers(comparison.vanishedTickers)),
        ])
    }

    static func json(_ check: CheckResult) -> RawValue { JSON.check(check) }
}
