import Metrics
import Synchronization

/// The taps attached to a host's pipelines. A runner given a hub (``PipelineRunner/taps``) offers
/// it what leaves each point of a pipeline while a tap watches that pipeline; with no tap attached
/// a batch costs one lookup.
public final class TapHub: Sendable {
    private let subscriptions = Mutex<[String: [TapSubscription]]>([:])

    public init() {}

    /// The default buffer of a tap, in records.
    public static let defaultCapacity = 1_000

    /// Attaches a tap to point `point` of `pipeline`; ``detach(_:)`` it when done.
    public func attach(
        pipeline: String, point: Int, rejectedOnly: Bool = false, capacity: Int = TapHub.defaultCapacity
    )
        -> TapSubscription
    {
        let subscription = TapSubscription(pipeline: pipeline, point: point, rejectedOnly: rejectedOnly, capacity: max(1, capacity))
        subscriptions.withLock { $0[pipeline, default: []].append(subscription) }
        Gauge(label: "etl_taps_attached").record(count)
        return subscription
    }

    /// Detaches and closes a tap.
    public func detach(_ subscription: TapSubscription) {
        subscriptions.withLock { all in
            all[subscription.pipeline]?.removeAll { $0 === subscription }
            if all[subscription.pipeline]?.isEmpty == true { all[subscription.pipeline] = nil }
        }
        subscription.close()
        Gauge(label: "etl_taps_attached").record(count)
    }

    /// The taps attached to `pipeline`.
    public func taps(of pipeline: String) -> [TapSubscription] {
        subscriptions.withLock { $0[pipeline] ?? [] }
    }

    /// Detaches every tap (a host shutting down): each reader gets what is buffered, then the end.
    public func closeAll() {
        let all = subscriptions.withLock { all in
            defer { all = [:] }
            return all.values.flatMap { $0 }
        }
        for subscription in all { subscription.close() }
        Gauge(label: "etl_taps_attached").record(0)
    }

    /// How many taps are attached, over every pipeline.
    public var count: Int { subscriptions.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Offers a run's start or end to every tap of its pipeline.
    func announce(_ event: TapEvent, pipeline: String) {
        for tap in taps(of: pipeline) { tap.offer(event) }
    }

    /// Offers the records of one batch's reports to the taps watching their points.
    static func offer(_ reports: [StageReport], to taps: [TapSubscription], pipeline: String, runID: RunID, batch: Int) {
        for report in reports {
            let watching = taps.filter { $0.point == report.index }
            guard !watching.isEmpty else { continue }
            func deliver(_ record: TapRecord) {
                for tap in watching where tap.wants(record) { tap.offer(.record(record)) }
            }
            let everyRecord = watching.contains { !$0.rejectedOnly }
            func record(_ origin: RecordLocation, _ content: TapRecord.Content) -> TapRecord {
                TapRecord(
                    pipeline: pipeline, runID: runID, batch: batch, pointIndex: report.index, point: report.name, origin: origin,
                    content: content)
            }
            if everyRecord {
                for kept in report.kept { deliver(record(kept.location, .fields(kept.payload))) }
                for quote in report.quotes {
                    deliver(record(report.locations[quote.rawIndex], .quote(quote)))
                }
            }
            for rejection in report.rejections {
                deliver(record(rejection.location, .rejected(field: rejection.field, reason: rejection.reason, raw: rejection.raw)))
            }
        }
    }
}
