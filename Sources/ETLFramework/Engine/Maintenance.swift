import Foundation
import Logging
import Metrics

/// Runs a store's maintenance pass, logs what it changed and counts it in the metrics:
/// `etl_retention_partitions_dropped_total{table}` and `etl_retention_rows_deleted_total{table}`.
public enum Maintenance {
    /// One pass; a failure is logged and returned, never thrown: maintenance must not stop the host,
    /// and the next pass tries again.
    @discardableResult
    public static func run(_ store: any StoreMaintenance, now: Date = Date(), logger: Logger) async -> Result<MaintenanceReport, any Error> {
        do {
            let report = try await store.maintain(now: now, logger: logger)
            record(report, logger: logger)
            return .success(report)
        } catch {
            logger.warning("maintenance failed; it is tried again later", metadata: ["error": "\(RunFailure.message(for: error))"])
            return .failure(error)
        }
    }

    static func record(_ report: MaintenanceReport, logger: Logger) {
        // Created partitions are logged where they are created (also before a batch that needs one).
        for dropped in report.droppedPartitions {
            logger.notice(
                "retention dropped a partition",
                metadata: ["table": "\(dropped.table)", "partition": "\(dropped.name)", "estimated_rows": "\(dropped.estimatedRows)"])
            Counter(label: "etl_retention_partitions_dropped_total", dimensions: [("table", dropped.table)]).increment()
        }
        for (table, rows) in report.deletedRows.sorted(by: { $0.key < $1.key }) where rows > 0 {
            logger.notice("retention deleted rows", metadata: ["table": "\(table)", "rows": "\(rows)"])
            Counter(label: "etl_retention_rows_deleted_total", dimensions: [("table", table)]).increment(by: rows)
        }
    }
}
