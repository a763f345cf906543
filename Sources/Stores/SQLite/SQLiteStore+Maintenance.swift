import ETLFramework
import Foundation
import Logging
import SQLiteNIO

extension SQLiteStore {
    /// Applies the retention policy: observations, and raw payloads, whose observation time is older
    /// than the cutoff are deleted, in one write transaction (the file has no partitions to drop). A
    /// raw payload without an observation time is kept, like its quarantine entry.
    package func maintain(now: Date, logger: Logger) async throws -> MaintenanceReport {
        var report = MaintenanceReport()
        let cutoffs = retention.cutoffs(now: now)
        guard cutoffs.history != nil || cutoffs.raw != nil else { return report }
        do {
            report.deletedRows = try await transaction { connection in
                var deleted: [String: Int] = [:]
                for (table, cutoff) in [("observations", cutoffs.history), ("raw_records", cutoffs.raw)] {
                    guard let cutoff else { continue }
                    _ = try await connection.query("DELETE FROM \(table) WHERE observed_at < ?", [.float(cutoff.timeIntervalSince1970)])
                    let changes = try await connection.query("SELECT changes() AS n")
                    deleted[table] = changes.first?.column("n")?.integer ?? 0
                }
                return deleted
            }
        } catch {
            throw SQLiteStoreError.wrap(error, while: "applying retention")
        }
        if report.deletedRows.values.contains(where: { $0 > 0 }) { state.changed() }
        return report
    }
}
