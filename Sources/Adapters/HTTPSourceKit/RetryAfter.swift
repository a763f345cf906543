import ETLFramework
import Foundation

/// A `Retry-After` header: delay-seconds or an HTTP date.
enum RetryAfter {
    static func delay(_ header: String?, now: Date = Date()) -> Duration? {
        guard let header = header?.trimmedASCIIWhitespace, !header.isEmpty else { return nil }
        if let seconds = Int(header), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: String(header)) else { return nil }
        return .milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1000)))
    }
}
