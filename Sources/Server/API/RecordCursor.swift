import Foundation

/// The opaque `next` cursor of `GET /data`: the last id of a page, base64url-encoded (no padding)
/// behind a version tag (`k1:`, so every cursor starts `azE6`). A client passes it back as `cursor`
/// to read the records after that id (keyset paging: the same cost at any depth, and stable while
/// records are added or removed).
enum RecordCursor {
    static let tag = Array("k1:".utf8)
    /// What the API document allows: the tag, then whole base64url groups, then 2 or 3 characters.
    static let pattern = "^azE6(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"
    static let maxLength = 1000

    static func encode(after id: String) -> String {
        // Written directly (every page of /data carries one): base64url, no padding.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let input = tag + Array(id.utf8)
        var output: [UInt8] = []
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in input {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 63)])
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(6 - bits)) & 63)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The id a cursor stands for, or nil when the text does not have a cursor's form.
    ///
    /// Every text of that form is a position: bytes that are not UTF-8 are read as U+FFFD, and an
    /// id is cut at a NUL character (no stored id holds one, so "after `a<NUL>b`" is "after `a`").
    static func decode(_ text: String) -> String? {
        guard text.utf8.count <= maxLength, text.utf8.count % 4 != 1, let bytes = base64URL(text), bytes.starts(with: tag) else {
            return nil
        }
        let id = bytes.dropFirst(tag.count).prefix { $0 != 0 }
        return String(decoding: id, as: UTF8.self)
    }

    /// Bytes of unpadded base64url text (trailing bits ignored), or nil for another character.
    static func base64URL(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = character - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            default: return nil
            }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return bytes
    }
}
