import ETLFramework
import Foundation
import Hummingbird
import Metrics

/// `GET /metrics`: the Prometheus text format.
extension API {
    var metricsRoutes: [Endpoint] {
        [
            Endpoint(
                method: .get, path: "/metrics",
                summary: "Prometheus metrics: records, runs, durations, HTTP requests, source retries, staleness, replica lag",
                handler: { _, context in try await metrics(context) })
        ]
    }

    func metrics(_ context: APIRequestContext) async throws -> Response {
        // Staleness is computed at scrape time: seconds since each pipeline's last successful run.
        let statistics = try await cachedStatistics()
        let now = Date()
        for pipeline in statistics.pipelines {
            guard let finished = pipeline.lastSuccess?.finishedAt else { continue }
            Gauge(label: "etl_data_staleness_seconds", dimensions: [("pipeline", pipeline.pipeline)])
                .record(now.timeIntervalSince(finished))
        }
        for replica in store.replicas() {
            let name = [("replica", replica.name)]
            Gauge(label: "etl_replica_lag_seconds", dimensions: name).record(replica.lagSeconds ?? .nan)
            Gauge(label: "etl_replica_serving", dimensions: name).record(replica.state == .ok ? 1 : 0)
            Gauge(label: "etl_replica_reads", dimensions: name).record(replica.reads)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: MetricsHelp.adding(to: HostMetrics.registry.emitToBuffer()))))
    }
}
