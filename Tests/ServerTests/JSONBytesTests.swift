import ETLFramework
import Foundation
import Testing

@testable import Server

/// The byte writer of records and history points says exactly what the JSON trees say.
@Suite struct JSONBytesTests {
    static let records = [
        UnifiedRecord(
            id: "BTC", ticker: "BTC", name: "Bit\"coin\\ \n\t\u{01} ✓", priceUSD: "0.000000001234", marketCapUSD: "1810000000000",
            volume24hUSD: "5.5", percentChange24h: "-1.25", rank: 1, source: "coin gecko", sourceAssetID: "bitcoin",
            createdAt: Timestamp(microseconds: 1_733_832_000_123_456), ingestedAt: Timestamp(microseconds: 1_733_832_000_000_000)),
        UnifiedRecord(
            id: "<I>", ticker: "<I>", name: nil, priceUSD: "45000.5", marketCapUSD: nil, volume24hUSD: nil, percentChange24h: nil,
            rank: nil, source: "csv", sourceAssetID: "", createdAt: Timestamp(microseconds: 0), ingestedAt: Timestamp(microseconds: -1_000)),
    ]

    @Test func aRecordIsWrittenAsItsTreeWouldBe() {
        for record in Self.records {
            var writer = JSONBytes(capacity: 0)
            writer.record(record)
            #expect(writer.bytes == API.json(record).jsonBytes, "\(String(decoding: writer.bytes, as: UTF8.self))")
        }
    }

    @Test func aHistoryPointIsWrittenAsItsTreeWouldBe() {
        let points = [
            HistoryPoint(
                source: "a\"b", sourceAssetID: "x\ny", ticker: "ETH", observedAt: Timestamp(microseconds: 1_700_000_000_000_001),
                priceUSD: "3050.25", marketCapUSD: "1", volume24hUSD: nil, percentChange24h: "0", rank: 7),
            HistoryPoint(
                source: "csv", sourceAssetID: "", ticker: "", observedAt: Timestamp(microseconds: 0), priceUSD: "1",
                marketCapUSD: nil, volume24hUSD: nil, percentChange24h: nil, rank: nil),
        ]
        for point in points {
            var writer = JSONBytes(capacity: 0)
            writer.point(point)
            #expect(writer.bytes == API.json(point).jsonBytes, "\(String(decoding: writer.bytes, as: UTF8.self))")
        }
    }
}
