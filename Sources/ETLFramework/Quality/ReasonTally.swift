/// Counts quarantine reasons by kind: quoted values and numbers in a reason are masked, so that
/// "price_usd must be greater than 0, got -1" and "..., got -7" count as one kind.
public struct ReasonTally: Sendable {
    private(set) var counts: [String: Int] = [:]
    private var order: [String] = []

    public init() {}

    public mutating func add(_ reason: String, count: Int = 1) {
        guard count > 0 else { return }
        let kind = Self.kind(of: reason)
        if counts[kind] == nil { order.append(kind) }
        counts[kind, default: 0] += count
    }

    /// The `limit` most frequent kinds, most frequent first (first seen first among equals).
    public func mostCommon(_ limit: Int) -> [(reason: String, count: Int)] {
        order.enumerated().sorted { a, b in
            let (ca, cb) = (counts[a.element]!, counts[b.element]!)
            return ca != cb ? ca > cb : a.offset < b.offset
        }.prefix(limit).map { ($0.element, counts[$0.element]!) }
    }

    static func kind(of reason: String) -> String {
        var out = ""
        var inQuote = false
        var inNumber = false
        var previous: Character = " "
        for character in reason.prefix(300) {
            defer { previous = character }
            if character == "\"" {
                if !inQuote { out += "\"…\"" }
                inQuote.toggle()
                continue
            }
            if inQuote { continue }
            // A number stands alone: digits inside a name (volume_24h_usd) are kept.
            let startsNumber = character.isNumber && !(previous.isLetter || previous == "_")
            if startsNumber || (inNumber && (character.isNumber || character == "." || character == "e" || character == "+" || character == "-")) {
                if !inNumber { out += "N" }
                inNumber = true
                continue
            }
            inNumber = false
            out.append(character)
        }
        return out
    }
}
