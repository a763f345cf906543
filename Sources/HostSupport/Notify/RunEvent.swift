import ETLFramework
import Foundation

/// What a notification says about a run: the event, and the JSON body the webhook receives.
package struct RunEvent: Sendable {
    package var event: NotifyEvent
    package var pipeline: String
    package var runID: RunID
    /// `<run id>-<event>`: the same for every delivery attempt of one event, so that a receiver can
    /// drop a repeat (a retry after a timeout may deliver an event twice).
    package var id: String { "\(runID)-\(event.rawValue)" }
    package var body: [UInt8]

    /// The event a recorded run raises, if any: `failed` for a failed run, `check_failed` for a
    /// successful run with a failed (warn) check, `recovered` for a clean run after a run that failed
    /// or failed a check. Interrupted runs raise none.
    package static func event(for report: RunReport) -> NotifyEvent? {
        switch report.status {
        case .failed:
            return .failed
        case .success:
            if !report.checks.failed.isEmpty { return .checkFailed }
            if let previous = report.previous, previous.status == .failed || !previous.checks.failed.isEmpty { return .recovered }
            return nil
        case .running, .interrupted:
            return nil
        }
    }

    package init?(_ report: RunReport, redaction: Redaction) {
        guard let event = Self.event(for: report) else { return nil }
        self.event = event
        pipeline = report.pipeline
        runID = report.runID
        let counters = report.counters
        let body = JSON.object([
            ("event_id", .string("\(report.runID)-\(event.rawValue)")), ("event", .string(event.rawValue)), ("pipeline", .string(report.pipeline)),
            ("run_id", JSON.integer(report.runID.rawValue)),
            ("status", .string(report.status.rawValue)), ("trigger", .string(report.trigger.rawValue)),
            ("started_at", JSON.time(report.startedAt)), ("finished_at", JSON.time(report.finishedAt)),
            ("message", JSON.string(report.message.map(redaction.redact))),
            (
                "counters",
                JSON.object([
                    ("processed", JSON.integer(counters.processed)), ("quarantined", JSON.integer(counters.quarantined)),
                    ("skipped", JSON.integer(counters.skipped)), ("filtered", JSON.integer(counters.filtered)),
                    ("anomalies", JSON.integer(counters.anomalies)),
                ])
            ),
            ("failed_checks", .array(report.checks.failed.map { JSON.check($0) })),
            (
                "previous_run",
                report.previous.map { previous in
                    JSON.object([
                        ("id", JSON.integer(previous.id.rawValue)), ("status", .string(previous.status.rawValue)),
                        ("checks_failed", .array(previous.checks.failed.map { .string($0.name) })),
                    ])
                } ?? .null
            ),
            ("link", .string("/runs/\(report.runID)")),
        ])
        self.body = body.jsonBytes
    }
}
