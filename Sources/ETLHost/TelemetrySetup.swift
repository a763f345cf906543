import ETLFramework
import ETLTelemetry
import Logging
import ServiceLifecycle
import Tracing

/// Turns on span export when the pipeline file's `telemetry:` block or the `OTEL_*` variables name
/// a collector. Without one nothing is set up: spans cost nothing and nothing is sent.
enum TelemetrySetup {
    /// Bootstraps the process's tracer and returns the exporter to run; `nil` without a collector.
    /// Every text a span carries goes through `redaction` (and URL passwords are removed) before
    /// it is sent: an API key in a source's query string does not reach the collector.
    static func start(_ settings: TelemetrySettings?, redaction: Redaction, logger: Logger) -> OTLPExporter? {
        guard let settings else { return nil }
        let exporter = OTLPExporter(
            url: settings.tracesURL, serviceName: settings.serviceName, headers: settings.headers, logger: logger,
            redact: { Redaction.redactURLPasswords(redaction.redact($0)) })
        InstrumentationSystem.bootstrap(exporter.tracer)
        logger.info(
            "exporting traces", metadata: ["endpoint": "\(settings.safeDescription)", "service_name": "\(settings.serviceName)"])
        return exporter
    }
}

/// Sends spans while the host serves; stopped last, so that it sends the spans of the runs and
/// requests that ended during the shutdown.
struct TelemetryService: Service {
    let exporter: OTLPExporter

    func run() async {
        await withGracefulShutdownHandler {
            await exporter.run()
        } onGracefulShutdown: {
            exporter.shutdown()
        }
    }
}
