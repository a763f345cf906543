import ETLFramework

/// The `http:` block every API source accepts: timeouts, retries and pacing.
public struct HTTPSettings: Sendable, Decodable, Hashable {
    /// Time to open a connection (default 10s).
    public var connectTimeout: ConfigDuration?
    /// Time to wait for response bytes (default 30s).
    public var readTimeout: ConfigDuration?
    /// Attempts per request, the first included (default 4).
    public var attempts: Int?
    /// Longest `Retry-After` honoured; a longer one fails at once (default 60s).
    public var maxRetryAfter: ConfigDuration?
    /// Requests per minute this source may send (default 30).
    public var requestsPerMinute: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case connectTimeout = "connect_timeout"
        case readTimeout = "read_timeout"
        case attempts
        case maxRetryAfter = "max_retry_after"
        case requestsPerMinute = "requests_per_minute"
    }

    var connect: Duration { connectTimeout?.duration ?? .seconds(10) }
    var read: Duration { readTimeout?.duration ?? .seconds(30) }
    var maxAttempts: Int { max(1, attempts ?? 4) }
    var retryAfterCeiling: Duration { maxRetryAfter?.duration ?? .seconds(60) }
    var spacing: Duration { .milliseconds(60_000 / max(1, requestsPerMinute ?? 30)) }

    /// Documentation of the block, for `host adapters`.
    public static let documentation = ConfigKeyDoc(
        "http", "map",
        "connect_timeout (10s), read_timeout (30s), attempts (4), max_retry_after (60s), requests_per_minute (30)")
}
