import Foundation

/// The normalization transformer: maps source fields to the unified schema, unifies tickers, parses
/// exact decimals and validates every value. A record that fails any rule becomes a ``Rejection``
/// naming the field and the reason; the others become ``Quote``s.
///
/// Rules: ticker trimmed, upper-cased, aliases applied, 1–32 visible characters; price a finite
/// decimal > 0; market cap and volume >= 0; money below 1e18; percent change within ±1e9;
/// observed-at between 2009-01-03 and one day ahead of now (default: the record's receipt time).
public struct Normalizer: RecordNormalizer {
    public let mapping: FieldMapping
    public let config: NormalizeConfig
    let timestamps: TimestampParser
    let aliases: [String: String]

    public static let earliestObservation = Date(timeIntervalSince1970: 1_230_940_800)  // 2009-01-03
    public static let allowedClockSkew: TimeInterval = 86_400
    static let moneyMagnitudeLimit = 18
    static let percentMagnitudeLimit = 9

    /// Whether a string where a number belongs is an error (typed JSON sources) or text to parse (CSV).
    let typedValues: Bool

    public init(mapping: FieldMapping, config: NormalizeConfig = NormalizeConfig(), typedValues: Bool = false) {
        self.typedValues = typedValues
        self.mapping = mapping.overridden(by: config.mapping)
        self.config = config
        self.timestamps = TimestampParser(format: config.timestampFormat)
        var aliases: [String: String] = [:]
        for (from, to) in config.aliases ?? [:] {
            aliases[Self.unifyCase(from)] = Self.unifyCase(to)
        }
        self.aliases = aliases
    }

    public func normalize(_ records: [ChainRecord]) -> NormalizedRecords {
        var output = NormalizedRecords()
        output.quotes.reserveCapacity(records.count)
        let latestAllowed = Date().addingTimeInterval(Self.allowedClockSkew)
        for record in records {
            switch normalize(record, latestAllowed: latestAllowed) {
            case .success(let quote): output.quotes.append(quote)
            case .failure(let problem):
                output.rejections.append(RecordRejection(origin: record.origin, field: problem.field, reason: problem.reason))
            }
        }
        return output
    }

    /// Normalizes raw records with no steps before: quotes, and rejections with their raw payloads.
    public func transform(_ records: [RawRecord]) -> TransformOutput {
        var chain = TransformChain(normalizer: self)
        let output = chain.run(records)
        return TransformOutput(quotes: output.quotes, rejections: output.rejections)
    }

    /// Why a record was refused, and the field at fault.
    struct Problem: Error {
        var field: String
        var reason: String
    }

    func normalize(_ record: ChainRecord, latestAllowed: Date) -> Result<Quote, Problem> {
        do {
            for field in config.numericFields ?? [] {
                if let text = record.value(at: field)?.scalarText, !text.isEmpty,
                    case .failure(let error) = DecimalText.parse(text)
                {
                    throw Problem(field: field, reason: "\(field) \(error)")
                }
            }
            let tickerText = try required(.ticker, in: record)
            let unified = Self.unifyCase(tickerText)
            let ticker = aliases[unified] ?? unified
            guard Self.isVisibleTicker(ticker) else {
                throw Problem(field: "ticker", reason: "ticker \"\(tickerText.prefix(40))\" is not 1-32 visible characters")
            }
            let trimmedName = optionalText(.name, in: record)?.trimmedASCIIWhitespace ?? ""
            let name: String? = trimmedName.isEmpty ? nil : String(trimmedName)
            let price = try decimal(.priceUSD, in: record, required: true)!
            guard !price.isZero, !price.isNegative else {
                throw Problem(field: "price_usd", reason: "price_usd must be greater than 0, got \(price.value)")
            }
            try limit(price, .priceUSD, magnitude: Self.moneyMagnitudeLimit)
            let cap = try decimal(.marketCapUSD, in: record)
            try nonNegativeMoney(cap, .marketCapUSD)
            let volume = try decimal(.volume24hUSD, in: record)
            try nonNegativeMoney(volume, .volume24hUSD)
            let change = try decimal(.percentChange24h, in: record)
            if let change { try limit(change, .percentChange24h, magnitude: Self.percentMagnitudeLimit) }
            let rank = try self.rank(in: record)
            let observedAt = try observed(record, latestAllowed: latestAllowed)
            let assetKey = name.map(Self.assetKey) ?? ""
            let lowerTicker = ticker.lowercased()
            let identity = assetKey.isEmpty ? lowerTicker : assetKey
            let mappedID = optionalText(.id, in: record)?.trimmedASCIIWhitespace ?? ""
            let sourceID = mappedID.isEmpty ? lowerTicker + "-" + identity : String(mappedID)
            return .success(
                Quote(
                    ticker: ticker, name: name, priceUSD: price.value, marketCapUSD: cap?.value,
                    volume24hUSD: volume?.value, percentChange24h: change?.value, rank: rank, observedAt: observedAt,
                    sourceAssetID: sourceID, assetKey: identity, rawIndex: record.origin))
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(Problem(field: "", reason: "\(error)"))
        }
    }

    func sourceName(_ field: UnifiedField) -> String {
        mapping[field] ?? field.rawValue
    }

    func optionalText(_ field: UnifiedField, in record: ChainRecord) -> String? {
        guard let path = mapping[field] else { return nil }
        return record.value(at: path)?.scalarText
    }

    func required(_ field: UnifiedField, in record: ChainRecord) throws -> String {
        guard let path = mapping[field] else {
            throw Problem(field: field.rawValue, reason: "no source field is mapped to \(field.rawValue)")
        }
        guard let value = record.value(at: path) else {
            throw Problem(field: field.rawValue, reason: "required field \(path) is missing")
        }
        guard let text = value.scalarText, !text.trimmedASCIIWhitespace.isEmpty else {
            throw Problem(field: field.rawValue, reason: "required field \(path) is empty")
        }
        return text
    }

    func decimal(_ field: UnifiedField, in record: ChainRecord, required: Bool = false) throws -> DecimalText.Parsed? {
        let value = mapping[field].flatMap { record.value(at: $0) }
        let text: String
        switch value {
        case .none, .null?:
            if required { _ = try self.required(field, in: record) }
            return nil
        case .string(let string)?:
            if typedValues {
                throw Problem(field: field.rawValue, reason: "\(sourceName(field)) must be a number, got a string")
            }
            if string.trimmedASCIIWhitespace.isEmpty {
                if required { _ = try self.required(field, in: record) }
                return nil
            }
            text = string
        case .number(let literal)?:
            text = literal
        case .bool?, .object?, .array?:
            throw Problem(field: field.rawValue, reason: "\(sourceName(field)) must be a number, got \(value!.kindName)")
        }
        switch DecimalText.parse(text) {
        case .success(let parsed): return parsed
        case .failure(let error): throw Problem(field: field.rawValue, reason: "\(sourceName(field)) \(error)")
        }
    }

    /// 1-32 visible characters: no whitespace, no control character.
    static func isVisibleTicker(_ ticker: String) -> Bool {
        let utf8 = ticker.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            return (1...32).contains(utf8.count) && utf8.allSatisfy { $0 >= 0x21 && $0 != 0x7F }
        }
        return (1...32).contains(ticker.count)
            && ticker.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0.value >= 0x21 && $0 != "\u{7F}" }
    }

    func nonNegativeMoney(_ value: DecimalText.Parsed?, _ field: UnifiedField) throws {
        guard let value else { return }
        if value.isNegative {
            throw Problem(field: field.rawValue, reason: "\(field.rawValue) must not be negative, got \(value.value)")
        }
        try limit(value, field, magnitude: Self.moneyMagnitudeLimit)
    }

    func limit(_ value: DecimalText.Parsed, _ field: UnifiedField, magnitude: Int) throws {
        guard value.isZero || value.magnitude < magnitude else {
            throw Problem(field: field.rawValue, reason: "\(field.rawValue) \(value.value) is absurd (not below 1e\(magnitude))")
        }
    }

    func rank(in record: ChainRecord) throws -> Int? {
        guard let text = optionalText(.rank, in: record)?.trimmedASCIIWhitespace, !text.isEmpty else {
            return nil
        }
        guard let rank = Int(text), rank >= 1 else {
            throw Problem(field: "rank", reason: "rank must be a positive integer, got \"\(text.prefix(40))\"")
        }
        return rank
    }

    func observed(_ record: ChainRecord, latestAllowed: Date) throws -> Date {
        guard let text = optionalText(.observedAt, in: record)?.trimmedASCIIWhitespace, !text.isEmpty
        else { return record.receivedAt }
        guard let date = timestamps.parse(String(text)) else {
            let expected = config.timestampFormat.map { "the format \($0)" } ?? "an ISO 8601 timestamp"
            throw Problem(field: "observed_at", reason: "\(sourceName(.observedAt)) \"\(text.prefix(40))\" is not \(expected)")
        }
        guard date >= Self.earliestObservation, date <= latestAllowed else {
            throw Problem(field: "observed_at", reason: "\(sourceName(.observedAt)) \(text) is not a plausible time")
        }
        return date
    }

    /// Trimmed and upper-cased.
    public static func unifyCase(_ ticker: String) -> String {
        ticker.trimmedASCIIWhitespace.uppercased()
    }

    /// A name reduced to lower-case letters and digits: "Wrapped Bitcoin" and "wrapped-bitcoin" agree.
    public static func assetKey(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 128 }) {
            let kept = name.utf8.compactMap { byte -> UInt8? in
                switch byte {
                case 65...90: byte + 32
                case 97...122, 48...57: byte
                default: nil
                }
            }
            return String(decoding: kept, as: UTF8.self)
        }
        return String(
            String.UnicodeScalarView(
                name.lowercased().unicodeScalars.filter {
                    $0.properties.isAlphabetic || $0.properties.numericType != nil
                }))
    }
}

extension RawValue {
    var kindName: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        case .object: "an object"
        case .array: "an array"
        }
    }
}

/// The result of normalizing raw records directly: every record is either a quote or a rejection.
public struct TransformOutput: Sendable {
    public var quotes: [Quote]
    public var rejections: [Rejection]

    public init(quotes: [Quote] = [], rejections: [Rejection] = []) {
        self.quotes = quotes
        self.rejections = rejections
    }
}
