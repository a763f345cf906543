import Foundation
import Logging

/// Keeps a store in shape over time: prepares storage for the coming weeks (partitions) and removes
/// history that fell out of its retention policy. The host calls it at start and daily.
public protocol StoreMaintenance: Sendable {
    /// One maintenance pass as of `now`. Safe to call from several hosts at once.
    func maintain(now: Date, logger: Logger) async throws -> MaintenanceReport
}

extension StoreMaintenance {
    /// A store without partitions or retention has nothing to do.
    public func maintain(now: Date, logger: Logger) async throws -> MaintenanceReport { MaintenanceReport() }
}

/// What one maintenance pass changed.
public struct MaintenanceReport: Sendable, Equatable {
    /// Partitions created ahead of time (names).
    public var createdPartitions: [String] = []
    /// Whole partitions dropped by retention.
    public var droppedPartitions: [DroppedPartition] = []
    /// Rows removed one by one (outside whole partitions, or by a store without partitions), per table.
    public var deletedRows: [String: Int] = [:]

    public init() {}

    public var isEmpty: Bool { createdPartitions.isEmpty && droppedPartitions.isEmpty && deletedRows.isEmpty }
}

/// A partition dropped by retention.
public struct DroppedPartition: Sendable, Equatable {
    /// The partitioned table (`observations`, `raw_records`).
    public var table: String
    public var name: String
    /// The planner's row estimate at the time of the drop (counting would read the whole partition).
    public var estimatedRows: Int

    public init(table: String, name: String, estimatedRows: Int) {
        self.table = table
        self.name = name
        self.estimatedRows = estimatedRows
    }
}
