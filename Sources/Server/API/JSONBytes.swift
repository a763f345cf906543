import ETLFramework
import HostSupport

/// Writes the API's most served items straight to JSON bytes, without building a ``RawValue`` tree
/// per item: a page of 50 records is 50 objects of 12 members, and the trees' allocations were the
/// host's largest cost on deep pages. The output is the same as the trees' (same members, same order).
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) {
        RawValue.appendQuoted(text, to: &bytes)
    }

    mutating func string(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    /// A stored decimal text, as a number literal.
    mutating func number(_ text: String?) {
        if let text { bytes.append(contentsOf: text.utf8) } else { raw("null") }
    }

    mutating func integer(_ value: Int?) {
        if let value { bytes.append(contentsOf: String(value).utf8) } else { raw("null") }
    }

    mutating func time(_ time: Timestamp) {
        bytes.append(UInt8(ascii: "\""))
        time.appendISO8601(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func value(_ value: RawValue) {
        value.appendJSON(to: &bytes)
    }
}

extension JSONBytes {
    /// A unified record, as ``API/json(_:)-(UnifiedRecord)`` writes it.
    mutating func record(_ record: UnifiedRecord) {
        raw("{\"id\":")
        string(record.id)
        raw(",\"ticker\":")
        string(record.ticker)
        raw(",\"name\":")
        string(record.name)
        raw(",\"price_usd\":")
        number(record.priceUSD)
        raw(",\"market_cap_usd\":")
        number(record.marketCapUSD)
        raw(",\"volume_24h_usd\":")
        number(record.volume24hUSD)
        raw(",\"percent_change_24h\":")
        number(record.percentChange24h)
        raw(",\"rank\":")
        integer(record.rank)
        raw(",\"source\":")
        string(record.source)
        raw(",\"source_asset_id\":")
        string(record.sourceAssetID)
        raw(",\"created_at\":")
        time(record.createdAt)
        raw(",\"ingested_at\":")
        time(record.ingestedAt)
        raw("}")
    }

    /// A history point, as ``API/json(_:)-(HistoryPoint)`` writes it.
    mutating func point(_ point: HistoryPoint) {
        raw("{\"source\":")
        string(point.source)
        raw(",\"source_asset_id\":")
        string(point.sourceAssetID)
        raw(",\"ticker\":")
        string(point.ticker)
        raw(",\"observed_at\":")
        time(point.observedAt)
        raw(",\"price_usd\":")
        number(point.priceUSD)
        raw(",\"market_cap_usd\":")
        number(point.marketCapUSD)
        raw(",\"volume_24h_usd\":")
        number(point.volume24hUSD)
        raw(",\"percent_change_24h\":")
        number(point.percentChange24h)
        raw(",\"rank\":")
        integer(point.rank)
        raw("}")
    }
}
