import CSVFileAdapter
import ETLFramework
import Foundation
import Testing
import TestSupport

/// The recorded OHLCV file whose numbers a locale round trip destroyed (`14.748.800.659.179.600`):
/// no such row may be imported.
@Suite struct LocaleMangledFixtureTests {
    static let config = NormalizeConfig(
        mapping: FieldMapping([
            .ticker: "Symbol", .name: "Name", .priceUSD: "Close", .marketCapUSD: "Marketcap",
            .volume24hUSD: "Volume", .observedAt: "Date", .id: "SNo",
        ]),
        timestampFormat: "dd-MM-yy HH:mm", numericFields: ["High", "Low", "Open", "Close", "Volume", "Marketcap"])

    static let url = Paths.fixture("crypto-ohlcv-coin_Bitcoin-locale-mangled-thanos6988.csv")

    /// The data rows, split on commas (the file has no quoted fields).
    static func rows() throws -> [[Substring]] {
        try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
            .map { $0.split(separator: ",") }
    }

    static func hasOneDotAtMost(_ cell: Substring) -> Bool { cell.filter { $0 == "." }.count <= 1 }

    func normalize(_ config: NormalizeConfig) async throws -> ([Quote], [Rejection]) {
        let source = CSVSource(path: Self.url.path, displayPath: "ohlcv.csv")
        var reader = try await source.open(resumingFrom: nil, logger: .init(label: "test"))
        let normalizer = Normalizer(mapping: CSVSource.defaultMapping, config: config)
        var quotes: [Quote] = []
        var rejections: [Rejection] = []
        while let batch = try await reader.nextBatch(maxRecords: 7) {
            let output = normalizer.transform(batch.records)
            quotes += output.quotes
            rejections += batch.rejections + output.rejections
        }
        return (quotes, rejections)
    }

    @Test func noRowWithADestroyedNumberInAnyNumericColumnIsImported() async throws {
        let (quotes, rejections) = try await normalize(Self.config)
        // Independent oracle: a row is clean when none of its numeric cells has more than one dot.
        let rows = try Self.rows()
        let clean = rows.filter { $0[4...].allSatisfy(Self.hasOneDotAtMost) }
        #expect(rows.count == 40)
        #expect(quotes.count == clean.count)
        #expect(rejections.count == 40 - clean.count)
        #expect(rejections.allSatisfy { $0.reason.contains("is not a decimal number") })
        #expect(rejections.first?.location.description == "ohlcv.csv:2")
    }

    @Test func withOnlyThePriceCheckedRowsWithAPlausibleCloseLoad() async throws {
        var config = Self.config
        config.numericFields = nil
        let (quotes, rejections) = try await normalize(config)
        let rows = try Self.rows()
        let plausible = rows.filter { Self.hasOneDotAtMost($0[7]) }
        #expect(!plausible.isEmpty)
        #expect(quotes.count == plausible.count)
        #expect(rejections.count == 40 - plausible.count)
        #expect(rejections.allSatisfy { $0.field == "price_usd" })
        #expect(Set(quotes.map(\.ticker)) == ["BTC"])
        #expect(quotes.map { "\($0.priceUSD)" } == plausible.map { String($0[7]) })
        #expect(quotes.first?.observedAt == TimestampParser(format: "dd-MM-yy HH:mm").parse(String(plausible[0][3])))
    }
}
