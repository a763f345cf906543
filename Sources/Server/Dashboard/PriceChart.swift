import ETLFramework
import Foundation

/// A line chart of prices over time, one line per source, as the values of the `ticker` template's
/// SVG: dated labels on the time axis, price labels spanning exactly the plotted range, and a source
/// with a single observation drawn as a point.
struct PriceChart {
    let points: [HistoryPoint]
    let width = 760.0, height = 280.0
    let left = 78.0, right = 48.0, top = 20.0, bottom = 40.0
    static let colors = ["#1d4ed8", "#b42318", "#17803d", "#a15c07", "#7c3aed"]
    static let ticks = 5

    /// The template's values; `nil` when there is nothing to plot.
    var context: [String: Any]? {
        let values = points.compactMap { point in Double(point.priceUSD).map { (point, $0) } }
        guard !values.isEmpty else { return nil }
        let times = values.map { $0.0.observedAt.secondsSince1970 }
        let prices = values.map(\.1)
        var (t0, t1) = (times.min()!, times.max()!)
        if t1 == t0 { (t0, t1) = (t0 - 3600, t1 + 3600) }  // one instant: centred in a two-hour window
        var (p0, p1) = (prices.min()!, prices.max()!)
        if p1 == p0 {  // one price: centred, the axis spanning ±1% around it
            let pad = max(abs(p0) * 0.01, 1e-12)
            (p0, p1) = (p0 - pad, p1 + pad)
        }
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ time: Double) -> Double { left + (time - t0) / (t1 - t0) * plotWidth }
        func y(_ price: Double) -> Double { top + plotHeight - (price - p0) / (p1 - p0) * plotHeight }
        let sources = Array(Set(values.map(\.0.source))).sorted()
        let series: [[String: Any]] = sources.enumerated().map { index, source in
            let line = values.filter { $0.0.source == source }.sorted { $0.0.observedAt < $1.0.observedAt }
            let color = Self.colors[index % Self.colors.count]
            var item: [String: Any] = [
                "source": source, "color": color,
                "points": line.map { ["x": Self.f(x($0.0.observedAt.secondsSince1970)), "y": Self.f(y($0.1))] },
                "legendX": Self.f(width - right - 150), "legendY": Self.f(top + 14 + 14 * Double(index)),
            ]
            if line.count > 1 {
                item["path"] = line.enumerated().map { offset, point in
                    (offset == 0 ? "M" : "L") + Self.f(x(point.0.observedAt.secondsSince1970)) + " " + Self.f(y(point.1))
                }.joined(separator: " ")
            }
            return item
        }
        let span = t1 - t0
        let yTicks: [[String: Any]] = (0..<Self.ticks).map { step in
            let price = p0 + (p1 - p0) * Double(step) / Double(Self.ticks - 1)
            return ["y": Self.f(y(price)), "label": Self.priceLabel(price, range: p1 - p0), "labelX": Self.f(left - 6)]
        }
        let xTicks: [[String: Any]] = (0..<Self.ticks).map { step in
            let time = t0 + span * Double(step) / Double(Self.ticks - 1)
            return [
                "x": Self.f(x(time)), "label": Self.timeLabel(time, span: span), "labelY": Self.f(height - bottom + 16),
                "tickEnd": Self.f(height - bottom + 4),
            ]
        }
        return [
            "width": Int(width), "height": Int(height), "left": Self.f(left), "right": Self.f(width - right),
            "top": Self.f(top), "bottom": Self.f(height - bottom), "series": series, "xTicks": xTicks, "yTicks": yTicks,
        ]
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A price with as many decimals as the plotted range needs to tell its ticks apart.
    static func priceLabel(_ value: Double, range: Double) -> String {
        let step = range / Double(ticks - 1)
        let decimals = step >= 1 ? 2 : min(12, Int((-log10(step)).rounded(.up)) + 2)
        return String(format: "%.\(decimals)f", value)
    }

    /// A UTC date, with the time of day when the chart spans less than four days.
    static func timeLabel(_ seconds: Double, span: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = span < 4 * 86_400 ? "MM-dd HH:mm" : "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
