import ETLFramework
import Foundation
import HTTPSourceKit

/// The CoinPaprika adapter: registers `type: coinpaprika` (`GET {base_url}/tickers?quotes=USD`).
public enum CoinPaprikaAdapter {
    package static let defaultBaseURL = "https://api.coinpaprika.com/v1"

    /// `quotes.USD.*`, `last_updated`, `symbol`, `name`, `rank`; the asset id is CoinPaprika's `id`.
    package static let mapping = FieldMapping([
        .ticker: "symbol", .name: "name", .priceUSD: "quotes.USD.price", .marketCapUSD: "quotes.USD.market_cap",
        .volume24hUSD: "quotes.USD.volume_24h", .percentChange24h: "quotes.USD.percent_change_24h", .rank: "rank",
        .observedAt: "last_updated", .id: "id",
    ])

    static let knownFields: Set<String> = [
        "id", "name", "symbol", "rank", "circulating_supply", "total_supply", "max_supply", "beta_value", "first_data_at",
        "last_updated", "quotes",
    ]

    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            SourceRegistration(
                type: "coinpaprika", summary: "CoinPaprika tickers with USD quotes (GET /tickers?quotes=USD)",
                config: CoinPaprikaConfig.spec
            ) { config in
                let base = try APIBase.url(config[CoinPaprikaConfig.baseURL], config: config)
                var headers: [(String, String)] = []
                if let key = config[CoinPaprikaConfig.apiKey] { headers.append((config[CoinPaprikaConfig.apiKeyHeader], key)) }
                let url = base.appendingPathComponent("tickers").appending(queryItems: [URLQueryItem(name: "quotes", value: "USD")])
                let source = JSONAPISource(
                    type: "coinpaprika", expectedFields: Set(mapping.paths.values),
                    endpoint: .init { _ in url }, records: "", idPath: "id", limit: config[CoinPaprikaConfig.limit], rankPath: "rank",
                    knownFields: knownFields,
                    fetcher: HTTPFetcher(settings: HTTPSettings(config[HTTPSettings.key]), headers: headers, logger: config.context.logger))
                return SourceSetup(
                    source: source,
                    defaults: NormalizerDefaults(mapping: mapping.overridden(by: config[CoinPaprikaConfig.mapping]), typedValues: true))
            })
    }
}

/// The keys of a `type: coinpaprika` block.
enum CoinPaprikaConfig {
    static let baseURL = ConfigKey(
        "base_url", default: CoinPaprikaAdapter.defaultBaseURL, "API root (the pro host is https://api-pro.coinpaprika.com/v1)")
    static let apiKey = ConfigKey.optional(
        "api_key", String.self, "sent in the api_key_header (from the environment, e.g. ${COINPAPRIKA_API_KEY:-})")
    static let apiKeyHeader = ConfigKey("api_key_header", default: "Authorization", allowed: .notEmpty, "header carrying the key")
    static let limit = ConfigKey.optional("limit", Int.self, allowed: .atLeast(1), "keep the top N by rank (applied on the client)")
    static let mapping = ConfigKey.optional("mapping", FieldMapping.self, "unified field -> payload path, over the default mapping")

    static let spec = ConfigSpec(baseURL, apiKey, apiKeyHeader, limit, mapping, HTTPSettings.key)
}
