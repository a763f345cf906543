import Metrics

/// Prometheus-style metrics of runs, through swift-metrics (the host picks the backend).
enum RunMetrics {
    static func record(_ report: RunReport) {
        let pipeline = [("pipeline", report.pipeline)]
        Counter(label: "etl_records_processed_total", dimensions: pipeline).increment(by: report.counters.processed)
        Counter(label: "etl_records_quarantined_total", dimensions: pipeline).increment(by: report.counters.quarantined)
        Counter(label: "etl_records_skipped_total", dimensions: pipeline).increment(by: report.counters.skipped)
        Counter(label: "etl_records_filtered_total", dimensions: pipeline).increment(by: report.counters.filtered)
        Counter(label: "etl_runs_total", dimensions: pipeline + [("status", report.status.rawValue)]).increment()
        Counter(label: "etl_anomalies_total", dimensions: pipeline).increment(by: report.counters.anomalies)
        for check in report.checks.failed {
            Counter(label: "etl_check_failures_total", dimensions: pipeline + [("check", check.name)]).increment()
        }
        Timer(label: "etl_run_duration_seconds", dimensions: pipeline, preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(report.duration * 1_000_000_000))
    }
}
