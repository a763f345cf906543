import Foundation
/// Small helpers for server-rendered pages: escaping and a page frame with inline CSS (no CDN,
/// no external script: the dashboard works offline).
enum HTML {
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330;background:#f7f8fa}
        h1{font-size:22px;margin:0 0 16px}h2{font-size:17px;margin:28px 0 8px}
        table{border-collapse:collapse;background:#fff;box-shadow:0 1px 2px #0001;min-width:60%}
        th,td{padding:6px 10px;border-bottom:1px solid #e6e8ee;text-align:left;font-size:13px;white-space:nowrap}
        th{background:#eef1f6;cursor:pointer}td.n{text-align:right;font-variant-numeric:tabular-nums}
        .success{color:#17803d}.failed{color:#b42318}.running{color:#1d4ed8}.interrupted{color:#a15c07}
        a{color:#1d4ed8;text-decoration:none}.muted{color:#667085}.reason{white-space:normal;max-width:640px}
        input,button{font-size:13px;padding:4px 8px}svg{background:#fff;box-shadow:0 1px 2px #0001}
        </style></head><body>\(body)</body></html>
        """
    }

    /// `text` percent-encoded as one path segment: `A/B` becomes `A%2FB`, `<I>` becomes `%3CI%3E`.
    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
