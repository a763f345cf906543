import ETLFramework
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The months whose partitions this process knows to exist, so that a batch asks the database only
/// about a month it has not seen yet.
final class KnownPartitions: Sendable {
    private let months = Mutex<Set<String>>([])

    func missing(_ wanted: Set<String>) -> [String] {
        months.withLock { known in wanted.subtracting(known).sorted() }
    }

    func insert(_ created: [String]) {
        months.withLock { $0.formUnion(created) }
    }

    /// After partitions were dropped (here or by another host).
    func forget() {
        months.withLock { $0.removeAll() }
    }
}

extension PostgresStore {
    /// How many months ahead of the current one maintenance creates partitions for.
    static let monthsAhead = 2

    /// The first day (`YYYY-MM-01`, UTC) of each month the given times fall in.
    static func months(of dates: some Sequence<Date>) -> Set<String> {
        var days = Set<Int64>()
        for date in dates {
            days.insert(Timestamp(date).microseconds.floorDivided(by: Timestamp.microsecondsPerDay).quotient)
        }
        return Set(
            days.map { day in
                let (year, month, _) = Timestamp.civil(fromDays: day)
                return monthText(year: year, month: month)
            })
    }

    package static func monthText(year: Int64, month: Int64) -> String {
        let y = String(year), m = String(month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count < 2 ? "0" : "") + m + "-01"
    }

    /// This month and the next ``monthsAhead``, at `now`.
    package static func monthsAhead(of now: Date) -> Set<String> {
        let day = Timestamp(now).microseconds.floorDivided(by: Timestamp.microsecondsPerDay).quotient
        let (year, month, _) = Timestamp.civil(fromDays: day)
        return Set(
            (0...Int64(monthsAhead)).map { offset in
                let index = year * 12 + (month - 1) + offset
                return monthText(year: index / 12, month: index % 12 + 1)
            })
    }

    /// Makes sure the partitions of the given months exist (`YYYY-MM-01`). Runs outside any batch
    /// transaction: creating a partition locks its parent table, which must not last a whole batch.
    /// Returns the partitions created now.
    @discardableResult
    package func ensurePartitions(months: Set<String>, logger: Logger) async throws -> [String] {
        let missing = knownPartitions.missing(months)
        guard !missing.isEmpty else { return [] }
        var created: [String] = []
        let rows = try await client.query("SELECT etl_month_partitions(\(missing)::text[]::date[])", logger: logger)
        for try await name in rows.decode(String.self) { created.append(name) }
        knownPartitions.insert(missing)
        if !created.isEmpty {
            logger.info("partitions created", metadata: ["partitions": "\(created.joined(separator: ", "))"])
        }
        return created
    }

    /// Whether `error` says a row had no partition to go to: one was dropped (by retention, maybe in
    /// another host) after this process had seen it.
    static func isMissingPartition(_ error: any Error) -> Bool {
        guard let psql = PostgresStoreError.unwrapped(error) as? PSQLError, psql.serverInfo?[.sqlState] == "23514" else { return false }
        return psql.serverInfo?[.message]?.hasPrefix("no partition of relation") ?? false
    }

    /// Creates the partitions of the coming months, then applies the retention policy: month
    /// partitions that end before the cutoff are dropped whole, and the early partition's rows older
    /// than it are deleted. Each table in its own short transaction, which gives up after a lock wait
    /// of ``retentionLockTimeout`` rather than queueing the API's reads behind a long batch.
    package func maintain(now: Date, logger: Logger) async throws -> MaintenanceReport {
        var report = MaintenanceReport()
        do {
            report.createdPartitions = try await ensurePartitions(months: Self.monthsAhead(of: now), logger: logger)
            let cutoffs = retention.cutoffs(now: now)
            for (table, cutoff) in [("observations", cutoffs.history), ("raw_records", cutoffs.raw)] {
                guard let cutoff else { continue }
                let (dropped, deleted) = try await applyRetention(table: table, cutoff: cutoff, logger: logger)
                report.droppedPartitions += dropped
                report.deletedRows[table] = deleted
            }
        } catch {
            throw PostgresStoreError.wrap(error, while: "maintaining partitions and retention")
        }
        if !report.droppedPartitions.isEmpty { knownPartitions.forget() }
        if !report.droppedPartitions.isEmpty || report.deletedRows.values.contains(where: { $0 > 0 }) {
            // Cached history answers of every host are stale now.
            try? await client.query(Self.notifyChange, logger: logger)
        }
        return report
    }

    static let retentionLockTimeout = "5s"

    func applyRetention(table: String, cutoff: Date, logger: Logger) async throws -> ([DroppedPartition], Int) {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = '\(Self.retentionLockTimeout)'"), logger: logger)
            var dropped: [DroppedPartition] = []
            let rows = try await connection.query(
                "SELECT partition, estimated_rows FROM etl_drop_month_partitions(\(table), \(cutoff))", logger: logger)
            for try await (name, estimate) in rows.decode((String, Int64).self) {
                dropped.append(DroppedPartition(table: table, name: name, estimatedRows: Int(estimate)))
            }
            // The early partition holds raw payloads without an observation time at -infinity: kept.
            let early: PostgresQuery =
                table == "observations"
                ? "WITH d AS (DELETE FROM observations_early WHERE observed_at < \(cutoff) RETURNING 1) SELECT count(*) FROM d"
                : """
                WITH d AS (DELETE FROM raw_records_early WHERE observed_at > '-infinity' AND observed_at < \(cutoff) RETURNING 1)
                SELECT count(*) FROM d
                """
            var deleted = 0
            for try await count in try await connection.query(early, logger: logger).decode(Int64.self) { deleted = Int(count) }
            return (dropped, deleted)
        }
    }
}
