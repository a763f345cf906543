import Foundation

/// A unified record as served: one per ticker.
public struct UnifiedRecord: Sendable, Hashable {
    public var id: String
    public var ticker: String
    public var name: String?
    /// Exact decimal texts.
    public var priceUSD: String
    public var marketCapUSD: String?
    public var volume24hUSD: String?
    public var percentChange24h: String?
    public var rank: Int?
    public var source: String
    public var sourceAssetID: String
    /// When the values were true at the source, exactly as stored.
    public var createdAt: Timestamp
    public var ingestedAt: Timestamp

    public init(
        id: String, ticker: String, name: String?, priceUSD: String, marketCapUSD: String?, volume24hUSD: String?,
        percentChange24h: String?, rank: Int?, source: String, sourceAssetID: String, createdAt: Timestamp, ingestedAt: Timestamp
    ) {
        self.id = id
        self.ticker = ticker
        self.name = name
        self.priceUSD = priceUSD
        self.marketCapUSD = marketCapUSD
        self.volume24hUSD = volume24hUSD
        self.percentChange24h = percentChange24h
        self.rank = rank
        self.source = source
        self.sourceAssetID = sourceAssetID
        self.createdAt = createdAt
        self.ingestedAt = ingestedAt
    }
}

/// One observation in a ticker's price history.
public struct HistoryPoint: Sendable, Hashable {
    public var source: String
    public var sourceAssetID: String
    public var ticker: String
    public var observedAt: Timestamp
    public var priceUSD: String
    public var marketCapUSD: String?
    public var volume24hUSD: String?
    public var percentChange24h: String?
    public var rank: Int?

    public init(
        source: String, sourceAssetID: String, ticker: String, observedAt: Timestamp, priceUSD: String, marketCapUSD: String?,
        volume24hUSD: String?, percentChange24h: String?, rank: Int?
    ) {
        self.source = source
        self.sourceAssetID = sourceAssetID
        self.ticker = ticker
        self.observedAt = observedAt
        self.priceUSD = priceUSD
        self.marketCapUSD = marketCapUSD
        self.volume24hUSD = volume24hUSD
        self.percentChange24h = percentChange24h
        self.rank = rank
    }
}

/// A run of the run history.
public struct RunRecord: Sendable, Hashable {
    public var id: RunID
    public var pipeline: String
    public var trigger: RunTrigger
    public var status: RunStatus
    public var startedAt: Date
    public var finishedAt: Date?
    public var counters: RunCounters
    public var durationMS: Int?
    public var message: String?
    /// The check results stored with the run (empty while it runs, and for runs recorded before checks).
    public var checks: [CheckResult]
    /// The previous successful run of the pipeline, which the run was compared with.
    public var comparedRun: RunID?

    public init(
        id: RunID, pipeline: String, trigger: RunTrigger, status: RunStatus, startedAt: Date, finishedAt: Date?,
        counters: RunCounters, durationMS: Int?, message: String?, checks: [CheckResult] = [], comparedRun: RunID? = nil
    ) {
        self.id = id
        self.pipeline = pipeline
        self.trigger = trigger
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.counters = counters
        self.durationMS = durationMS
        self.message = message
        self.checks = checks
        self.comparedRun = comparedRun
    }
}

/// A run with its quarantined records.
public struct RunDetail: Sendable {
    public var run: RunRecord
    public var rejections: [Rejection]
    /// All quarantined records of the run (``rejections`` may hold fewer).
    public var rejectionCount: Int

    public init(run: RunRecord, rejections: [Rejection], rejectionCount: Int) {
        self.run = run
        self.rejections = rejections
        self.rejectionCount = rejectionCount
    }
}

/// Aggregates of the run history for `/stats` and `/health`.
public struct StoreStatistics: Sendable {
    public var totalNormalized: Int
    public var pipelines: [PipelineStatistics]

    public init(totalNormalized: Int, pipelines: [PipelineStatistics]) {
        self.totalNormalized = totalNormalized
        self.pipelines = pipelines
    }
}

/// One pipeline's run history, summed up.
public struct PipelineStatistics: Sendable {
    public var pipeline: String
    public var totalRuns: Int
    public var failedRuns: Int
    public var totalProcessed: Int
    public var totalQuarantined: Int
    public var totalSkipped: Int
    /// Records transform steps left out on purpose, over all runs.
    public var totalFiltered: Int
    public var lastRun: RunRecord?
    public var lastSuccess: RunRecord?
    public var lastFailure: RunRecord?

    public init(
        pipeline: String, totalRuns: Int, failedRuns: Int, totalProcessed: Int, totalQuarantined: Int, totalSkipped: Int, totalFiltered: Int,
        lastRun: RunRecord?, lastSuccess: RunRecord?, lastFailure: RunRecord?
    ) {
        self.pipeline = pipeline
        self.totalRuns = totalRuns
        self.failedRuns = failedRuns
        self.totalProcessed = totalProcessed
        self.totalQuarantined = totalQuarantined
        self.totalSkipped = totalSkipped
        self.totalFiltered = totalFiltered
        self.lastRun = lastRun
        self.lastSuccess = lastSuccess
        self.lastFailure = lastFailure
    }
}
