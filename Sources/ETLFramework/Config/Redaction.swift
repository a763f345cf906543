/// Removes secrets from text before it is logged or shown.
///
/// Redacts the password of any `scheme://user:password@host` URL, plus every value known to be
/// secret (tokens and keys read from the environment).
public struct Redaction: Sendable {
    public var secrets: [String]

    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var result = Self.redactURLPasswords(text)
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return result
    }

    /// Replaces the password in every `scheme://user:password@` with `<redacted>`.
    public static func redactURLPasswords(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        var output = ""
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
            output += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "\"" || $0 == "\n" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                output += authority[...colon] + "<redacted>" + authority[at...]
                rest = rest[authorityEnd...]
            }
        }
        return output + rest
    }

    /// Whether a configuration key names a secret (`api_key`, `trigger_token`, `password`).
    public static func looksSecret(key: String) -> Bool {
        let last = key.split(separator: ".").last.map(String.init)?.lowercased() ?? key.lowercased()
        return ["token", "key", "secret", "password", "url"].contains { last.contains($0) }
    }
}
