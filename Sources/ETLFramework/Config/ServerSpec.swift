import Foundation

/// The `server:` block: where the REST API listens and how `POST /trigger-etl` is protected.
public struct ServerSpec: Sendable, Decodable {
    public var host: String?
    public var port: Int?
    /// The value `X-Scheduler-Token` must carry; without one, triggering over HTTP is refused.
    public var triggerToken: String?
    /// How long a connection may stay silent (no request, or a request's head not finished) before
    /// it is closed.
    public var idleTimeout: ConfigDuration?
    /// The most the response cache may hold, in MiB.
    public var cacheMiB: Int?
    /// Whether this host runs the pipelines' schedules (default true); `false` for a host that only
    /// serves the API and triggered runs, beside others that run the schedules.
    public var schedules: Bool?
    /// The most connections served at once; beyond it, a connection gets one answer (`/health`
    /// still answers, anything else 503) and is closed. Default: sized from the open-file limit.
    public var maxConnections: Int?
    /// Which other origins' pages may call the API from a browser; none when absent.
    public var cors: CORSSpec?

    public init(host: String? = nil, port: Int? = nil, triggerToken: String? = nil) {
        self.host = host
        self.port = port
        self.triggerToken = triggerToken
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port
        case triggerToken = "trigger_token"
        case idleTimeout = "idle_timeout"
        case cacheMiB = "cache_mib"
        case schedules
        case maxConnections = "max_connections"
        case cors
    }
}

/// `server.cors`: the origins whose browser pages may call the API, and how long a browser may keep
/// a preflight's answer.
public struct CORSSpec: Sendable, Decodable {
    /// Origins such as `https://dashboard.example.com`, or `*` for any.
    public var allowOrigins: [String]
    public var maxAge: ConfigDuration?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case allowOrigins = "allow_origins"
        case maxAge = "max_age"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        allowOrigins = try container.decode([String].self, forKey: .allowOrigins)
        maxAge = try container.decodeIfPresent(ConfigDuration.self, forKey: .maxAge)
        let node = (decoder as? any ConfigNodeDecoding)?.configNode
        for origin in allowOrigins where origin != "*" && !CORSSettings.isOrigin(origin) {
            throw (node?["allow_origins"] ?? node)?.diagnostic(
                "\"\(origin)\" is not an origin: scheme://host[:port] with no path, such as https://dashboard.example.com")
                ?? DecodingError.dataCorruptedError(forKey: .allowOrigins, in: container, debugDescription: "not an origin")
        }
        if allowOrigins.isEmpty {
            throw (node?["allow_origins"] ?? node)?.diagnostic("allow_origins needs at least one origin (or \"*\")")
                ?? DecodingError.dataCorruptedError(forKey: .allowOrigins, in: container, debugDescription: "empty")
        }
    }
}

/// CORS with defaults applied.
public struct CORSSettings: Sendable, Equatable {
    /// Allowed origins; empty with ``allowsAny``.
    public var origins: Set<String>
    /// `*` was given: any origin may call the API (without credentials).
    public var allowsAny: Bool
    /// How long a browser may keep a preflight's answer (default 10 minutes).
    public var maxAge: Duration

    public init(origins: Set<String>, allowsAny: Bool = false, maxAge: Duration = .seconds(600)) {
        self.origins = origins
        self.allowsAny = allowsAny
        self.maxAge = maxAge
    }

    init(_ spec: CORSSpec) {
        self.init(
            origins: Set(spec.allowOrigins.filter { $0 != "*" }), allowsAny: spec.allowOrigins.contains("*"),
            maxAge: spec.maxAge?.duration ?? .seconds(600))
    }

    /// `scheme://host[:port]`, the form browsers send in `Origin`.
    static func isOrigin(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme, ["http", "https"].contains(scheme),
            components.host?.isEmpty == false, components.path.isEmpty, components.query == nil, components.fragment == nil,
            components.user == nil
        else { return false }
        return true
    }
}

/// Server settings with defaults applied: host `127.0.0.1`, port `PORT` or 8000, token
/// `SCHEDULER_TOKEN` when the file sets none.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var triggerToken: String?
    /// Silent connections are closed after this long (default 30 s).
    public var idleTimeout: Duration
    /// The response cache holds at most this many bytes (default 64 MiB).
    public var cacheBytes: Int
    /// Whether this host runs the schedules (and the start-up runs); triggered runs always run.
    public var schedules = true
    /// The most connections served at once (`server.max_connections`); `nil` sizes it from the
    /// open-file limit when the server starts (see ``defaultMaxConnections(openFiles:)``).
    public var maxConnections: Int?
    /// Browser pages of these origins may call the API (`server.cors`); `nil`: none may.
    public var cors: CORSSettings?

    /// Room for every connection, leaving descriptors for the database pools, files and the
    /// connections answered beyond the limit: the limit less 256, at least 64.
    public static func defaultMaxConnections(openFiles: UInt64) -> Int {
        Int(max(64, min(openFiles, 1 << 20) - min(openFiles, 256)))
    }

    public static let defaultIdleTimeout: Duration = .seconds(30)
    public static let defaultCacheMiB = 64

    public init(
        host: String, port: Int, triggerToken: String?, idleTimeout: Duration = Self.defaultIdleTimeout,
        cacheBytes: Int = Self.defaultCacheMiB << 20
    ) {
        self.host = host
        self.port = port
        self.triggerToken = triggerToken
        self.idleTimeout = idleTimeout
        self.cacheBytes = cacheBytes
    }

    init(_ spec: ServerSpec?, environment: [String: String]) {
        idleTimeout = spec?.idleTimeout?.duration ?? Self.defaultIdleTimeout
        cacheBytes = (spec?.cacheMiB ?? Self.defaultCacheMiB) << 20
        schedules = spec?.schedules ?? true
        maxConnections = spec?.maxConnections
        cors = spec?.cors.map(CORSSettings.init)
        host = spec?.host ?? "127.0.0.1"
        port = spec?.port ?? environment["PORT"].flatMap(Int.init) ?? 8000
        let token = spec?.triggerToken ?? environment["SCHEDULER_TOKEN"]
        triggerToken = token?.isEmpty == false ? token : nil
    }
}
