/// The `server:` block: where the REST API listens and how `POST /trigger-etl` is protected.
public struct ServerSpec: Sendable, Decodable {
    public var host: String?
    public var port: Int?
    /// The value `X-Scheduler-Token` must carry; without one, triggering over HTTP is refused.
    public var triggerToken: String?

    public init(host: String? = nil, port: Int? = nil, triggerToken: String? = nil) {
        self.host = host
        self.port = port
        self.triggerToken = triggerToken
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port
        case triggerToken = "trigger_token"
    }
}

/// Server settings with defaults applied: host `127.0.0.1`, port `PORT` or 8000, token
/// `SCHEDULER_TOKEN` when the file sets none.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var triggerToken: String?

    public init(host: String, port: Int, triggerToken: String?) {
        self.host = host
        self.port = port
        self.triggerToken = triggerToken
    }

    init(_ spec: ServerSpec?, environment: [String: String]) {
        host = spec?.host ?? "127.0.0.1"
        port = spec?.port ?? environment["PORT"].flatMap(Int.init) ?? 8000
        let token = spec?.triggerToken ?? environment["SCHEDULER_TOKEN"]
        triggerToken = token?.isEmpty == false ? token : nil
    }
}
