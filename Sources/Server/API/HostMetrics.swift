import Metrics
import Prometheus

/// The process's metrics registry: swift-metrics (used by the runner, the HTTP sources and the API)
/// backed by swift-prometheus, scraped at `GET /metrics`.
enum HostMetrics {
    static let registry = PrometheusCollectorRegistry()

    /// Installs the Prometheus backend; once per process, later calls do nothing.
    static func bootstrap() {
        _ = bootstrapped
    }

    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(1),
            .seconds(5), .seconds(30), .seconds(120), .seconds(600),
        ]
        MetricsSystem.bootstrap(factory)
    }()
}
