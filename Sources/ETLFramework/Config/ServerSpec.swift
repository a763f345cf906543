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
        host = spec?.host ?? "127.0.0.1"
        port = spec?.port ?? environment["PORT"].flatMap(Int.init) ?? 8000
        let token = spec?.triggerToken ?? environment["SCHEDULER_TOKEN"]
        triggerToken = token?.isEmpty == false ? token : nil
    }
}
