import Foundation

/// The top-level `telemetry:` block: where spans are exported over OTLP/HTTP.
public struct TelemetrySpec: Sendable, Decodable {
    /// The collector's OTLP/HTTP address (`http://collector:4318`); `/v1/traces` is added unless the
    /// path already ends with it.
    public var endpoint: String
    /// The `service.name` of every span; default `kasparro-etl`.
    public var serviceName: String?
    /// Extra request headers (an API key); every value is redacted in logs.
    public var headers: [(name: String, value: String)]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, headers
        case serviceName = "service_name"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let node = (decoder as? any ConfigNodeDecoding)?.configNode
        var problems = ConfigProblems()
        let endpoint = problems.attempt { try container.decode(String.self, forKey: .endpoint) }
        serviceName = problems.attempt { try container.decodeIfPresent(String.self, forKey: .serviceName) } ?? nil
        headers = []
        if let headersNode = node?["headers"] {
            headers = problems.attempt { try NotifySpec.headers(headersNode) } ?? []
        }
        if let endpoint, let node = node?["endpoint"], TelemetrySettings.tracesURL(endpoint) == nil {
            problems.append(node.diagnostic("endpoint must be an http:// or https:// URL (an OTLP/HTTP collector)"))
        }
        if let name = serviceName, name.isEmpty, let node = node?["service_name"] {
            problems.append(node.diagnostic("service_name must not be empty"))
        }
        try problems.throwIfAny()
        self.endpoint = endpoint!
    }
}

/// Where spans go, with the environment applied: the OTLP/HTTP traces address, the service name and
/// the request headers.
public struct TelemetrySettings: Sendable {
    /// The full traces address (`.../v1/traces`).
    public var tracesURL: URL
    public var serviceName: String
    public var headers: [(name: String, value: String)]

    public static let defaultServiceName = "kasparro-etl"

    public init(tracesURL: URL, serviceName: String = Self.defaultServiceName, headers: [(name: String, value: String)] = []) {
        self.tracesURL = tracesURL
        self.serviceName = serviceName
        self.headers = headers
    }

    /// The file's `telemetry:` block when there is one; otherwise the standard variables
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (with
    /// `/v1/traces` added), `OTEL_SERVICE_NAME` and `OTEL_EXPORTER_OTLP_HEADERS`. `nil` (nothing
    /// exported) when neither names an endpoint, or when `OTEL_SDK_DISABLED=true` or
    /// `OTEL_TRACES_EXPORTER=none`.
    public static func resolve(_ spec: TelemetrySpec?, environment: [String: String]) -> TelemetrySettings? {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" || environment["OTEL_TRACES_EXPORTER"]?.lowercased() == "none" {
            return nil
        }
        let name = spec?.serviceName ?? environment["OTEL_SERVICE_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultServiceName
        if let spec {
            return tracesURL(spec.endpoint).map { TelemetrySettings(tracesURL: $0, serviceName: name, headers: spec.headers) }
        }
        let url =
            environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].flatMap { httpURL($0) }
            ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"].flatMap { tracesURL($0) }
        return url.map { TelemetrySettings(tracesURL: $0, serviceName: name, headers: headers(environment["OTEL_EXPORTER_OTLP_HEADERS"])) }
    }

    /// `base` with `/v1/traces` added unless its path ends with it; `nil` when not an http(s) URL.
    static func tracesURL(_ base: String) -> URL? {
        guard let url = httpURL(base) else { return nil }
        if url.path.hasSuffix("/v1/traces") { return url }
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return URL(string: trimmed + "/v1/traces")
    }

    static func httpURL(_ text: String) -> URL? {
        guard let url = URL(string: text), url.host?.isEmpty == false, ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            return nil
        }
        return url
    }

    /// `OTEL_EXPORTER_OTLP_HEADERS`: `name=value,name2=value2`, values percent-encoded.
    static func headers(_ text: String?) -> [(name: String, value: String)] {
        guard let text else { return [] }
        return text.split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let value = String(parts[1]).trimmingCharacters(in: .whitespaces)
            guard NotifySpec.isToken(name), !value.contains(where: { $0 == "\r" || $0 == "\n" }) else { return nil }
            return (name, value.removingPercentEncoding ?? value)
        }
    }

    /// Where spans go, safe to log: scheme, host, port and path (no headers).
    public var safeDescription: String {
        let port = tracesURL.port.map { ":\($0)" } ?? ""
        return "\(tracesURL.scheme ?? "http")://\(tracesURL.host ?? "?")\(port)\(tracesURL.path)"
    }
}
