import ETLFramework
import Foundation

/// Reads an API's error answer in any of the shapes seen in the wild:
/// `{"status":{"error_code","error_message"}}`, `{"error":"..."}`, `{"error":{"status":{...}}}`,
/// `{"error_code", "status":{"error_message"}}`, an HTML page (its title), or plain text.
enum ErrorBody {
    static func message(_ bytes: [UInt8]) -> String? {
        if let json = try? RawJSON.parse(bytes) {
            for path in ["status.error_message", "error.status.error_message", "error.message", "error", "message"] {
                if let text = json.value(at: path)?.scalarText, !text.isEmpty { return String(text.prefix(300)) }
            }
            return nil
        }
        let text = String(decoding: bytes.prefix(20_000), as: UTF8.self)
        if let start = text.range(of: "<title>", options: .caseInsensitive),
            let end = text.range(of: "</title>", options: .caseInsensitive, range: start.upperBound..<text.endIndex)
        {
            return "HTML page \"\(text[start.upperBound..<end.lowerBound].trimmedASCIIWhitespace)\""
        }
        if text.lowercased().contains("<html") { return "an HTML page" }
        let plain = text.trimmedASCIIWhitespace
        return plain.isEmpty ? nil : String(plain.prefix(300))
    }
}
