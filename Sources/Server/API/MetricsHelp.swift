/// What each metric family of `/metrics` counts: its `# HELP` line. swift-metrics creates the
/// families without help text, so the exposition gets these lines added before each `# TYPE`.
enum MetricsHelp {
    static let texts: [String: String] = [
        "etl_records_processed_total": "Records stored as new observations, by pipeline.",
        "etl_records_quarantined_total": "Records rejected and kept in quarantine with their reason, by pipeline.",
        "etl_records_skipped_total": "Records already stored unchanged (counted, not written again), by pipeline.",
        "etl_records_filtered_total": "Records left out by a transform step (filter, dedupe), by pipeline.",
        "etl_anomalies_total": "Price moves beyond checks.max_price_change, recorded as anomalies, by pipeline.",
        "etl_check_failures_total": "Run checks that failed, by pipeline and check.",
        "etl_runs_total": "Finished runs, by pipeline and status.",
        "etl_run_duration_seconds": "Duration of finished runs, by pipeline.",
        "etl_data_staleness_seconds": "Seconds since the pipeline's last successful run ended, at scrape time.",
        "etl_source_http_requests_total": "HTTP requests sent by API sources, by host and status.",
        "etl_source_http_retries_total": "HTTP requests of API sources retried, by host.",
        "etl_store_transaction_retries_total": "Batch transactions retried after a deadlock or serialization failure, by pipeline and reason.",
        "etl_retention_partitions_dropped_total": "Month partitions dropped by retention, by table.",
        "etl_retention_rows_deleted_total": "Rows deleted by retention, by table.",
        "etl_replica_lag_seconds": "How far each read replica is behind the primary, in seconds (NaN when unknown).",
        "etl_replica_serving": "1 when the replica serves reads now, else 0.",
        "etl_replica_reads": "Reads served by each replica since the host started.",
        "etl_trace_spans_exported_total": "Spans sent to the OTLP collector.",
        "etl_trace_spans_dropped_total": "Spans never exported, by reason (queue_full, export_failed, shutdown).",
        "etl_taps_attached": "Taps attached to the host's pipelines now.",
        "http_requests_total": "HTTP requests answered, by route, method and status.",
        "http_request_duration_seconds": "Time to answer HTTP requests, by route.",
    ]

    /// `exposition` with a `# HELP` line before the `# TYPE` line of every family that has none.
    static func adding(to exposition: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(exposition.count + texts.count * 96)
        var previous: Substring = ""
        for line in String(decoding: exposition, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), !previous.hasPrefix("# HELP ") {
                let name = line.dropFirst(7).prefix { $0 != " " }
                let text = texts[String(name)] ?? "A metric of this host."
                output += Array("# HELP \(name) \(text)\n".utf8)
            }
            output += Array(line.utf8)
            output.append(UInt8(ascii: "\n"))
            previous = line
        }
        if exposition.last != UInt8(ascii: "\n"), !output.isEmpty { output.removeLast() }
        return output
    }
}
