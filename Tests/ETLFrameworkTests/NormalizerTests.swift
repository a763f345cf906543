import ETLFramework
import Foundation
import Testing

extension Rejection: Error {}

func record(_ fields: [(String, String)], line: Int = 2) -> RawRecord {
    RawRecord(
        payload: .object(fields.map { RawField($0.0, .string($0.1)) }),
        location: RecordLocation(line: line, description: "test.csv:\(line)"),
        receivedAt: Date(timeIntervalSince1970: 1_765_368_000))
}

let csvMapping = FieldMapping([
    .ticker: "symbol", .name: "name", .priceUSD: "price_usd", .marketCapUSD: "market_cap_usd",
    .volume24hUSD: "volume_24h_usd", .percentChange24h: "percent_change_24h", .observedAt: "created_at",
])

@Suite struct NormalizerTests {
    let normalizer = Normalizer(mapping: csvMapping)

    func one(_ fields: [(String, String)]) -> Result<Quote, Rejection> {
        let output = normalizer.transform([record(fields)])
        if let quote = output.quotes.first { return .success(quote) }
        return .failure(output.rejections[0])
    }

    func reason(_ fields: [(String, String)]) -> String? {
        guard case .failure(let rejection) = one(fields) else { return nil }
        return rejection.reason
    }

    @Test func tickersAreTrimmedAndUpperCased() throws {
        let quote = try one([("symbol", "  btc "), ("name", "Bitcoin"), ("price_usd", "43250.5")]).get()
        #expect(quote.ticker == "BTC")
        #expect(quote.name == "Bitcoin")
        #expect(quote.assetKey == "bitcoin")
        #expect(quote.sourceAssetID == "btc-bitcoin")
        #expect(quote.priceUSD.value == Decimal(string: "43250.5"))
        #expect(quote.observedAt == Date(timeIntervalSince1970: 1_765_368_000))
    }

    @Test func aliasesUnifyTickers() throws {
        let normalizer = Normalizer(mapping: csvMapping, config: NormalizeConfig(aliases: ["xbt": "btc"]))
        let output = normalizer.transform([record([("symbol", "XBT"), ("price_usd", "1")])])
        #expect(output.quotes.first?.ticker == "BTC")
    }

    @Test func namesAreIdentityAfterCaseSpacesAndPunctuation() throws {
        let a = try one([("symbol", "WBTC"), ("name", "Wrapped Bitcoin"), ("price_usd", "1")]).get()
        let b = try one([("symbol", "wbtc"), ("name", "wrapped-bitcoin"), ("price_usd", "1")]).get()
        #expect(a.assetKey == b.assetKey)
    }

    @Test func tinyAndENotationPricesAreExact() throws {
        let tiny = try one([("symbol", "PEPE"), ("price_usd", "0.000000001234")]).get()
        #expect("\(tiny.priceUSD)" == "0.000000001234")
        let enotation = try one([("symbol", "X"), ("price_usd", "1e-12")]).get()
        #expect("\(enotation.priceUSD)" == "0.000000000001")
    }

    @Test func priceMustBePresentFiniteAndPositive() {
        #expect(reason([("symbol", "X")]) == "required field price_usd is missing")
        #expect(reason([("symbol", "X"), ("price_usd", " ")]) == "required field price_usd is empty")
        #expect(reason([("symbol", "X"), ("price_usd", "0")]) == "price_usd must be greater than 0, got 0")
        #expect(reason([("symbol", "X"), ("price_usd", "-3")]) == "price_usd must be greater than 0, got -3")
        #expect(reason([("symbol", "X"), ("price_usd", "NaN")]) == "price_usd \"NaN\" is not a decimal number")
        #expect(reason([("symbol", "X"), ("price_usd", "1e19")]) == "price_usd 10000000000000000000 is absurd (not below 1e18)")
        #expect(
            reason([("symbol", "X"), ("price_usd", String(repeating: "7", count: 3000))])
                == "price_usd has 3000 characters (at most 64)")
    }

    @Test func capAndVolumeMustNotBeNegative() {
        #expect(
            reason([("symbol", "X"), ("price_usd", "1"), ("market_cap_usd", "-5")])
                == "market_cap_usd must not be negative, got -5")
        #expect(
            reason([("symbol", "X"), ("price_usd", "1"), ("volume_24h_usd", "-0.1")])
                == "volume_24h_usd must not be negative, got -0.1")
        #expect(throws: Never.self) { try one([("symbol", "X"), ("price_usd", "1"), ("market_cap_usd", "")]).get() }
    }

    @Test func missingTickerIsRejectedWithItsField() {
        guard case .failure(let rejection) = one([("symbol", ""), ("price_usd", "1")]) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.field == "ticker")
        #expect(rejection.reason == "required field symbol is empty")
        #expect(rejection.location.line == 2)
        #expect(rejection.raw == #"{"symbol":"","price_usd":"1"}"#)
    }

    @Test func timestampsMustBePlausible() {
        #expect(
            reason([("symbol", "X"), ("price_usd", "1"), ("created_at", "1999-01-01T00:00:00Z")])
                == "created_at 1999-01-01T00:00:00Z is not a plausible time")
        #expect(
            reason([("symbol", "X"), ("price_usd", "1"), ("created_at", "2999-01-01T00:00:00Z")])
                == "created_at 2999-01-01T00:00:00Z is not a plausible time")
        #expect(
            reason([("symbol", "X"), ("price_usd", "1"), ("created_at", "soon")])
                == "created_at \"soon\" is not an ISO 8601 timestamp")
    }

    @Test func numericFieldsGuardUnmappedColumns() {
        let normalizer = Normalizer(mapping: csvMapping, config: NormalizeConfig(numericFields: ["High"]))
        let output = normalizer.transform([record([("symbol", "X"), ("price_usd", "1"), ("High", "1.2.3")])])
        #expect(output.rejections.first?.reason == "High \"1.2.3\" is not a decimal number")
    }

    @Test func mappedIdIsTheSourceAssetID() throws {
        let normalizer = Normalizer(mapping: csvMapping.overridden(by: FieldMapping([.id: "uid"])))
        let output = normalizer.transform([record([("symbol", "X"), ("price_usd", "1"), ("uid", "x-token")])])
        #expect(output.quotes.first?.sourceAssetID == "x-token")
    }
}
