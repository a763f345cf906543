import Foundation

/// The opaque `next` cursor of `GET /data`: the last id of a page, base64url-encoded behind a version
/// tag. A client passes it back as `cursor` to read the records after that id (keyset paging: the
/// same cost at any depth, and stable while records are added or removed).
enum RecordCursor {
    static let tag = "k1:"

    static func encode(after id: String) -> String {
        Data((tag + id).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The id a cursor stands for, or nil when the text is not a cursor this API made.
    static func decode(_ text: String) -> String? {
        guard text.utf8.count <= 1000, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8),
            decoded.hasPrefix(tag)
        else { return nil }
        let id = String(decoded.dropFirst(tag.count))
        return id.isEmpty || id.utf8.contains(0) ? nil : id
    }
}
