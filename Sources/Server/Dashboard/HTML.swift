import Foundation

/// What pages need besides their templates: a value made safe as one URL path segment.
enum HTML {
    /// `text` percent-encoded as one path segment: `A/B` becomes `A%2FB`, `<I>` becomes `%3CI%3E`.
    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
