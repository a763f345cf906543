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
                keys: [
                    ConfigKeyDoc("base_url", "string", "API root (default \(defaultBaseURL); the pro host is https://api-pro.coinpaprika.com/v1)"),
                    ConfigKeyDoc("api_key", "string", "sent in the api_key_header (from the environment, e.g. ${COINPAPRIKA_API_KEY:-})"),
                    ConfigKeyDoc("api_key_header", "string", "header carrying the key (default Authorization)"),
                    ConfigKeyDoc("limit", "integer", "keep the top N by rank (applied on the client)"),
                    ConfigKeyDoc("mapping", "map", "unified field -> payload path, over the default mapping"),
                    HTTPSettings.documentation,
                ]
            ) { config in
                let settings = try config.decode(CoinPaprikaConfig.self)
                let base = try APIBase.url(settings.baseURL ?? defaultBaseURL, config: config)
                if let limit = settings.limit, limit < 1 { throw config.diagnostic(key: "limit", "limit must be at least 1") }
                var headers: [(String, String)] = []
                if let key = settings.apiKey { headers.append((settings.apiKeyHeader ?? "Authorization", key)) }
                let url = base.appendingPathComponent("tickers").appending(queryItems: [URLQueryItem(name: "quotes", value: "USD")])
                let source = JSONAPISource(
                    type: "coinpaprika", expectedFields: Set(mapping.paths.values),
                    endpoint: .init { _ in url }, records: "", idPath: "id", limit: settings.limit, rankPath: "rank",
                    knownFields: knownFields,
                    fetcher: HTTPFetcher(settings: settings.http, headers: headers, logger: config.context.logger))
                return SourceSetup(
                    source: source, defaults: NormalizerDefaults(mapping: mapping.overridden(by: settings.mapping), typedValues: true))
            })
    }
}

/// The keys of a `type: coinpaprika` block.
struct CoinPaprikaConfig: Decodable {
    var baseURL: String?
    var apiKey: String?
    var apiKeyHeader: String?
    var limit: Int?
    var mapping: FieldMapping?
    var http: HTTPSettings?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseURL = "base_url"
        case apiKey = "api_key"
        case apiKeyHeader = "api_key_header"
        case limit, mapping, http
    }
}
