import Foundation

/// Times as a person reads them on the dashboard: `3 min ago`, `in 5 min`, `2 days ago`; the exact
/// time stays in the page (`<time datetime>` and its tooltip).
enum RelativeTime {
    static func text(_ date: Date, now: Date = Date()) -> String {
        let seconds = date.timeIntervalSince(now)
        let magnitude = abs(seconds)
        let amount: String
        switch magnitude {
        case ..<45: return seconds < 0 ? "just now" : "in a few seconds"
        case ..<(90 * 60): amount = count(Int((magnitude / 60).rounded()), "min", "min")
        case ..<(36 * 3600): amount = count(Int((magnitude / 3600).rounded()), "hour", "hours")
        case ..<(60 * 86_400): amount = count(Int((magnitude / 86_400).rounded()), "day", "days")
        default: return "on " + date.formatted(Date.ISO8601FormatStyle().year().month().day())
        }
        return seconds < 0 ? amount + " ago" : "in " + amount
    }

    static func count(_ value: Int, _ one: String, _ many: String) -> String {
        "\(value) \(value == 1 ? one : many)"
    }
}
