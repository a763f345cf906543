import Foundation
import Testing

@testable import ETLFramework

@Suite struct TelemetrySettingsTests {
    @Test func theStandardVariablesNameTheCollector() throws {
        let base = try #require(
            TelemetrySettings.resolve(
                nil,
                environment: [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/", "OTEL_SERVICE_NAME": "etl-eu",
                    "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%3Dcret, x-team = data",
                ]))
        #expect(base.tracesURL.absoluteString == "http://collector:4318/v1/traces")
        #expect(base.serviceName == "etl-eu")
        #expect(base.headers.map { "\($0.name)=\($0.value)" } == ["api-key=s=cret", "x-team=data"])
        let traces = TelemetrySettings.resolve(nil, environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://c.example/otlp/traces"])
        #expect(traces?.tracesURL.absoluteString == "https://c.example/otlp/traces")
        #expect(traces?.serviceName == TelemetrySettings.defaultServiceName)
    }

    @Test func nothingIsExportedWithoutACollectorOrWhenTurnedOff() {
        #expect(TelemetrySettings.resolve(nil, environment: [:]) == nil)
        #expect(TelemetrySettings.resolve(nil, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"]) == nil)
        #expect(
            TelemetrySettings.resolve(
                nil, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"]) == nil)
        #expect(
            TelemetrySettings.resolve(
                nil, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"]) == nil)
    }

    @Test func theFilesBlockIsCheckedAndItsMistakesArePlaced() throws {
        let loader = PipelineFileLoader(registry: ComponentRegistry(), environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318"])
        let text = """
            store: {type: none}
            telemetry: {endpoint: "collector:4318", service_name: ""}
            pipelines: []
            """
        do {
            _ = try loader.load(text: text, file: "p.yaml", baseDirectory: "/tmp", logger: .init(label: "test"))
            Issue.record("the file loaded")
        } catch let errors as ConfigErrors {
            let lines = errors.diagnostics.map(\.description)
            #expect(lines.contains { $0.hasPrefix("p.yaml:2:") && $0.contains("endpoint must be an http:// or https:// URL") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("p.yaml:2:") && $0.contains("service_name must not be empty") }, "\(lines)")
        }
    }
}
