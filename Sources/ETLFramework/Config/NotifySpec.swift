import Foundation

/// Which runs a notification is sent for.
public enum NotifyEvent: String, Sendable, Codable, CaseIterable {
    /// A run ended `failed` (an error, or a check with `on_fail: fail`).
    case failed
    /// A run succeeded but a check with `on_fail: warn` failed.
    case checkFailed = "check_failed"
    /// A run passed every check after the pipeline's previous run failed or failed a check.
    case recovered
}

/// The top-level `notify:` block: a webhook told of failed runs, failed checks and recoveries.
public struct NotifySpec: Sendable, Decodable {
    public var webhook: String
    /// Extra request headers (`Authorization: Bearer ${HOOK_TOKEN}`); every value is redacted in logs.
    public var headers: [(name: String, value: String)]
    public var on: [NotifyEvent]?
    public var timeout: ConfigDuration?
    public var retries: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case webhook, headers, on, timeout, retries
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let node = (decoder as? any ConfigNodeDecoding)?.configNode
        var problems = ConfigProblems()
        let webhook = problems.attempt { try container.decode(String.self, forKey: .webhook) }
        on = (problems.attempt { try container.decodeIfPresent([NotifyEventSpec].self, forKey: .on) } ?? nil)?.map(\.event)
        timeout = problems.attempt { try container.decodeIfPresent(ConfigDuration.self, forKey: .timeout) } ?? nil
        retries = problems.attempt { try container.decodeIfPresent(Int.self, forKey: .retries) } ?? nil
        headers = []
        if let headersNode = node?["headers"] {
            headers = problems.attempt { try Self.headers(headersNode) } ?? []
        }
        if let webhook, let node = node?["webhook"] {
            let url = URL(string: webhook)
            if url?.host == nil || !["http", "https"].contains(url?.scheme?.lowercased() ?? "") {
                problems.append(node.diagnostic("webhook must be an http:// or https:// URL"))
            }
        }
        try problems.throwIfAny()
        self.webhook = webhook!
    }

    /// A `headers:` mapping of names to text values; every problem is reported.
    static func headers(_ node: ConfigNode) throws -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        var problems = ConfigProblems()
        switch node.kind {
        case .mapping(let entries):
            for entry in entries {
                guard case .scalar(let value) = entry.value.kind else {
                    problems.append(entry.value.diagnostic("a header value must be text, got \(entry.value.kindName)"))
                    continue
                }
                guard Self.isToken(entry.key) else {
                    problems.append(entry.value.diagnostic("\"\(entry.key.prefix(40))\" is not a valid header name"))
                    continue
                }
                guard !value.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                    problems.append(entry.value.diagnostic("the value of header \(entry.key) holds a line break"))
                    continue
                }
                headers.append((entry.key, value))
            }
        case .null:
            break
        default:
            problems.append(node.diagnostic("expected a mapping of header names to values"))
        }
        try problems.throwIfAny()
        return headers
    }

    static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
    }
}

/// One event name in `notify.on`.
struct NotifyEventSpec: Decodable {
    var event: NotifyEvent

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let event = NotifyEvent(rawValue: text) else {
            let message =
                "unknown event \"\(text.prefix(40))\"; notify.on takes "
                + NotifyEvent.allCases.map(\.rawValue).joined(separator: ", ")
            if let node = (decoder as? any ConfigNodeDecoding)?.configNode { throw node.diagnostic(message) }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
        self.event = event
    }
}
