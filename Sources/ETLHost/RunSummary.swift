import ETLFramework
import Foundation

/// The per-pipeline summary `host run` prints.
enum RunSummary {
    struct Row: Sendable {
        var pipeline: String
        var report: RunReport?
        var error: String?
    }

    static let header = ["pipeline", "status", "processed", "quarantined", "skipped", "filtered", "duration", "rows/s", "run"]

    static func cells(_ row: Row) -> [String] {
        guard let report = row.report else {
            return [row.pipeline, "not run", "-", "-", "-", "-", "-", "-", "-"]
        }
        let seconds = report.duration
        let handled = report.counters.read
        let rate = seconds > 0 ? Int(Double(handled) / seconds) : handled
        return [
            row.pipeline, report.status.rawValue, "\(report.counters.processed)", "\(report.counters.quarantined)",
            "\(report.counters.skipped)", "\(report.counters.filtered)", String(format: "%.2fs", seconds), "\(rate)", "\(report.runID)",
        ]
    }

    static func table(_ rows: [Row]) -> String {
        let body = [header] + rows.map(cells)
        let widths = header.indices.map { column in body.map { $0[column].count }.max() ?? 0 }
        var lines = body.map { cells in
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        for row in rows {
            if let message = row.report?.message ?? row.error { lines.append("\(row.pipeline): \(message)") }
        }
        return lines.joined(separator: "\n")
    }

    static func line(_ row: Row) -> String {
        zip(header, cells(row)).map { "\($0)=\($1)" }.joined(separator: " ")
            + ((row.report?.message ?? row.error).map { " message=\"\($0)\"" } ?? "")
    }
}
