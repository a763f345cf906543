import ETLFramework
import Foundation

/// An inline SVG line chart of prices over time, one line per source.
struct PriceChart {
    let points: [HistoryPoint]
    let width = 760.0, height = 260.0, margin = 44.0
    static let colors = ["#1d4ed8", "#b42318", "#17803d", "#a15c07", "#7c3aed"]

    var svg: String {
        let values = points.compactMap { point in Double(point.priceUSD).map { (point, $0) } }
        guard let first = values.first else { return "<p class=\"muted\">No observations.</p>" }
        let times = values.map { $0.0.observedAt.secondsSince1970 }
        let prices = values.map(\.1)
        let (t0, t1) = (times.min()!, max(times.max()!, times.min()! + 1))
        let (p0, p1) = (prices.min()!, prices.max()! > prices.min()! ? prices.max()! : prices.min()! * 1.01 + 1e-12)
        func x(_ time: Double) -> Double { margin + (time - t0) / (t1 - t0) * (width - 2 * margin) }
        func y(_ price: Double) -> Double { height - margin - (price - p0) / (p1 - p0) * (height - 2 * margin) }
        var svg = "<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        svg += "<line x1=\"\(margin)\" y1=\"\(height - margin)\" x2=\"\(width - margin)\" y2=\"\(height - margin)\" stroke=\"#98a2b3\"/>"
        svg += "<line x1=\"\(margin)\" y1=\"\(margin)\" x2=\"\(margin)\" y2=\"\(height - margin)\" stroke=\"#98a2b3\"/>"
        svg += "<text x=\"4\" y=\"\(margin)\" font-size=\"11\">\(first.0.priceUSD.isEmpty ? "" : Self.label(p1))</text>"
        svg += "<text x=\"4\" y=\"\(height - margin)\" font-size=\"11\">\(Self.label(p0))</text>"
        let sources = Array(Set(values.map(\.0.source))).sorted()
        for (index, source) in sources.enumerated() {
            let series = values.filter { $0.0.source == source }.sorted { $0.0.observedAt < $1.0.observedAt }
            let color = Self.colors[index % Self.colors.count]
            let path = series.enumerated().map { offset, item in
                String(format: "%@%.1f %.1f", offset == 0 ? "M" : "L", x(item.0.observedAt.secondsSince1970), y(item.1))
            }.joined(separator: " ")
            svg += "<path class=\"series\" data-source=\"\(HTML.escape(source))\" d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            for item in series {
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", x(item.0.observedAt.secondsSince1970), y(item.1), color)
            }
            svg += "<text x=\"\(Int(width - margin - 140))\" y=\"\(Int(margin) + 14 * index)\" font-size=\"12\" fill=\"\(color)\">\(HTML.escape(source))</text>"
        }
        return svg + "</svg>"
    }

    static func label(_ value: Double) -> String {
        value >= 1 ? String(format: "%.2f", value) : String(format: "%.3g", value)
    }
}
