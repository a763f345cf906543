import Foundation
import Logging
import Testing

@testable import HostSupport
@testable import Server
import StandardPlugins

@Suite struct LogTests {
    func render(_ message: Logger.Message, metadata: Logger.Metadata = [:]) -> [String: String] {
        let handler = JSONLogHandler(label: "test", logLevel: .info)
        let event = LogEvent(level: .warning, message: message, metadata: metadata, source: "test", file: #fileID, function: #function, line: #line)
        let text = handler.line(for: event)
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
    }

    @Test func linesAreJSONWithLevelMessageAndMetadata() {
        let fields = render("run finished", metadata: ["run_id": "7", "pipeline": "csv"])
        #expect(fields["level"] == "warning" && fields["message"] == "run finished")
        #expect(fields["run_id"] == "7" && fields["pipeline"] == "csv")
        #expect(fields["ts"] != nil)
    }

    @Test func theRequestBeingAnsweredFollowsEveryLine() async {
        let fields = LogContext.$requestID.withValue("req-42") { render("database read timed out") }
        #expect(fields["request_id"] == "req-42")
        #expect(render("outside a request")["request_id"] == nil)
    }

    @Test func passwordsInURLsAreRedacted() {
        let fields = render("cannot connect to postgres://etl:hunter2@db:5432/etl")
        #expect(fields["message"] == "cannot connect to postgres://etl:<redacted>@db:5432/etl")
    }
}
