import Foundation

/// Notification settings with defaults applied: every event, a 5 s timeout, 3 retries.
public struct NotifySettings: Sendable {
    public var webhook: URL
    public var headers: [(name: String, value: String)]
    public var events: Set<NotifyEvent>
    /// How long one delivery attempt may take.
    public var timeout: Duration
    /// Attempts after the first one, with backoff.
    public var retries: Int

    public static let defaultTimeout: Duration = .seconds(5)
    public static let defaultRetries = 3

    public init(
        webhook: URL, headers: [(name: String, value: String)] = [], events: Set<NotifyEvent> = Set(NotifyEvent.allCases),
        timeout: Duration = Self.defaultTimeout, retries: Int = Self.defaultRetries
    ) {
        self.webhook = webhook
        self.headers = headers
        self.events = events
        self.timeout = timeout
        self.retries = retries
    }

    /// Where notifications go, safe to log: scheme, host and port only (a webhook's path often holds
    /// its secret).
    public var safeDescription: String {
        let port = webhook.port.map { ":\($0)" } ?? ""
        return "\(webhook.scheme ?? "http")://\(webhook.host ?? "?")\(port)/…"
    }
}
