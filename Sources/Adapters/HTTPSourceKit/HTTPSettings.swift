import ETLFramework

/// The `http:` block every API source accepts: timeouts, retries and pacing.
public struct HTTPSettings: Sendable, Hashable {
    /// Time to open a connection.
    public var connect: Duration
    /// Time to wait for response bytes.
    public var read: Duration
    /// Attempts per request, the first included.
    public var maxAttempts: Int
    /// Longest `Retry-After` honoured; a longer one fails at once.
    public var retryAfterCeiling: Duration
    /// Requests per minute this source may send.
    public var requestsPerMinute: Int

    /// The defaults of every key.
    public init() {
        self.init(ConfigValues(defaultsOf: Self.spec))
    }

    /// The settings an `http:` block gives.
    public init(_ values: ConfigValues) {
        connect = values[Self.connectTimeout].duration
        read = values[Self.readTimeout].duration
        maxAttempts = values[Self.attempts]
        retryAfterCeiling = values[Self.maxRetryAfter].duration
        requestsPerMinute = values[Self.requestsPerMinute]
    }

    /// The time between two requests.
    var spacing: Duration { .milliseconds(60_000 / max(1, requestsPerMinute)) }

    static let connectTimeout = ConfigKey(
        "connect_timeout", default: ConfigDuration.seconds(10), allowed: .atLeast(ConfigDuration.milliseconds(1)),
        "time to open a connection")
    static let readTimeout = ConfigKey(
        "read_timeout", default: ConfigDuration.seconds(30), allowed: .atLeast(ConfigDuration.milliseconds(1)),
        "time to wait for response bytes")
    static let attempts = ConfigKey("attempts", default: 4, allowed: .range(1...20), "attempts per request, the first included")
    static let maxRetryAfter = ConfigKey(
        "max_retry_after", default: ConfigDuration.seconds(60), "longest Retry-After honoured; a longer one fails the run at once")
    static let requestsPerMinute = ConfigKey(
        "requests_per_minute", default: 30, allowed: .range(1...60_000), "requests per minute this source may send")

    /// The keys of the block.
    public static let spec = ConfigSpec(connectTimeout, readTimeout, attempts, maxRetryAfter, requestsPerMinute)

    /// The `http:` key, for the configuration of an API source.
    public static let key = ConfigKey.block("http", spec, "timeouts, retries and pacing of the source's requests")
}
