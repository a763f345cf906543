import Crypto
import Foundation

/// `If-None-Match` against an entity tag (RFC 9110 13.1.2: weak comparison, `*` matches any).
enum EntityTags {
    /// `"<128 bits of SHA-256 of bytes, base64url>"`, prefixed `W/` when `weak`.
    static func tag(of bytes: [UInt8], weak: Bool) -> String {
        let digest = Data(SHA256.hash(data: bytes).prefix(16)).base64EncodedString()
        let text = digest.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return (weak ? "W/\"" : "\"") + text + "\""
    }

    static func match(_ condition: String, _ tag: String) -> Bool {
        let wanted = opaque(tag)
        return condition.split(separator: ",").contains { item in
            let candidate = item.trimmingCharacters(in: .whitespaces)
            return candidate == "*" || opaque(candidate) == wanted
        }
    }

    /// The tag without its weakness indicator.
    static func opaque(_ tag: some StringProtocol) -> Substring {
        let text = Substring(tag)
        return text.hasPrefix("W/") ? text.dropFirst(2) : text
    }
}
