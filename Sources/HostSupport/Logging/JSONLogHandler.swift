import ETLFramework
import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line to stderr, with secrets redacted from
/// the message and every metadata value.
package struct JSONLogHandler: LogHandler {
    let label: String
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    /// Adds the metadata of the work in progress (the current span's `trace_id` and `span_id`).
    package var metadataProvider: Logger.MetadataProvider?

    package init(label: String, logLevel: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        FileHandle.standardError.write(Data(line(for: event).utf8))
    }

    /// The JSON line (newline included) written for `event`.
    func line(for event: LogEvent) -> String {
        var fields = metadata
        if let requestID = LogContext.requestID, fields["request_id"] == nil { fields["request_id"] = "\(requestID)" }
        if let provided = metadataProvider?.get(), !provided.isEmpty { fields.merge(provided) { current, _ in current } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        let redaction = LogRedaction.current
        var line = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"label\":"
        appendQuoted(label, to: &line)
        line += ",\"message\":"
        appendQuoted(redaction.redact(event.message.description), to: &line)
        for key in fields.keys.sorted() where !["ts", "level", "label", "message"].contains(key) {
            line += ","
            appendQuoted(key, to: &line)
            line += ":"
            appendQuoted(redaction.redact("\(fields[key]!)"), to: &line)
        }
        line += "}\n"
        return line
    }

    func appendQuoted(_ text: String, to line: inout String) {
        RawValue.appendQuoted(text, to: &line)
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// The level named by `LOG_LEVEL` (DEBUG, INFO, WARN, ERROR, ...); `info` when unset or unknown.
    package static func level(from text: String?) -> Logger.Level {
        switch text?.lowercased() {
        case "trace": .trace
        case "debug": .debug
        case "notice": .notice
        case "warn", "warning": .warning
        case "error": .error
        case "critical", "fatal": .critical
        default: .info
        }
    }
}

/// Ids that follow a unit of work through every log line written while it runs, whichever logger
/// writes them: the HTTP request being answered.
package enum LogContext {
    @TaskLocal package static var requestID: String?
}

/// The redaction every log line goes through; set once the pipeline file has named its secrets.
package enum LogRedaction {
    private static let state = Mutex(Redaction())

    static var current: Redaction { state.withLock { $0 } }

    package static func install(_ redaction: Redaction) {
        state.withLock { $0 = redaction }
    }
}
