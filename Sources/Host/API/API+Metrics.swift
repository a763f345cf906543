import ETLFramework
import Foundation
import Hummingbird
import Metrics

/// `GET /metrics`: the Prometheus text format.
extension API {
    func metrics(_ context: APIRequestContext) async throws -> Response {
        // Staleness is computed at scrape time: seconds since each pipeline's last successful run.
        let store = self.store, logger = self.logger
        let statistics = try await cache.value(for: "statistics") {
            try await fromDatabase { try await store.statistics(logger: logger) }
        }
        let now = Date()
        for pipeline in statistics.pipelines {
            guard let finished = pipeline.lastSuccess?.finishedAt else { continue }
            Gauge(label: "etl_data_staleness_seconds", dimensions: [("pipeline", pipeline.pipeline)])
                .record(now.timeIntervalSince(finished))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: HostMetrics.registry.emitToBuffer())))
    }
}
