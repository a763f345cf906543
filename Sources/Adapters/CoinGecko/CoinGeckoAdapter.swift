import ETLFramework
import Foundation
import HTTPSourceKit

/// The CoinGecko adapter: registers `type: coingecko`
/// (`GET {base_url}/coins/markets?vs_currency=usd&order=market_cap_desc&per_page=N&page=P`).
public enum CoinGeckoAdapter {
    package static let defaultBaseURL = "https://api.coingecko.com/api/v3"

    package static let mapping = FieldMapping([
        .ticker: "symbol", .name: "name", .priceUSD: "current_price", .marketCapUSD: "market_cap",
        .volume24hUSD: "total_volume", .percentChange24h: "price_change_percentage_24h", .rank: "market_cap_rank",
        .observedAt: "last_updated", .id: "id",
    ])

    static let knownFields: Set<String> = [
        "id", "symbol", "name", "image", "current_price", "market_cap", "market_cap_rank", "fully_diluted_valuation",
        "total_volume", "high_24h", "low_24h", "price_change_24h", "price_change_percentage_24h", "market_cap_change_24h",
        "market_cap_change_percentage_24h", "circulating_supply", "total_supply", "max_supply", "ath",
        "ath_change_percentage", "ath_date", "atl", "atl_change_percentage", "atl_date", "roi", "last_updated",
    ]

    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            SourceRegistration(
                type: "coingecko", summary: "CoinGecko market data in USD (GET /coins/markets), paged",
                config: CoinGeckoConfig.spec
            ) { config in
                // Every value is checked, and every problem of the block reported at once.
                var problems = ConfigProblems()
                let base = problems.attempt { try APIBase.url(config[CoinGeckoConfig.baseURL], config: config) }
                let perPage = config[CoinGeckoConfig.perPage], pages = config[CoinGeckoConfig.pages]
                let plan = config[CoinGeckoConfig.plan]
                let proHost = base?.host?.lowercased().hasPrefix("pro-api.") == true
                switch plan {
                case "demo" where proHost:
                    problems.attempt {
                        throw config.diagnostic(
                            key: "plan",
                            "plan demo does not fit base_url \(base!.absoluteString) (the paid API); use plan: pro, or base_url \(defaultBaseURL)")
                    }
                case "pro" where base?.host?.lowercased() == "api.coingecko.com":
                    problems.attempt {
                        throw config.diagnostic(
                            key: "plan", "plan pro needs base_url https://pro-api.coingecko.com/api/v3, not \(base!.absoluteString)")
                    }
                default: break
                }
                try problems.throwIfAny()
                var headers: [(String, String)] = []
                if let key = config[CoinGeckoConfig.apiKey] {
                    headers.append((plan == "pro" ? "x-cg-pro-api-key" : "x-cg-demo-api-key", key))
                }
                let markets = base!.appendingPathComponent("coins").appendingPathComponent("markets")
                let source = JSONAPISource(
                    type: "coingecko", expectedFields: Set(mapping.paths.values),
                    endpoint: .init(pages: pages, pageSize: perPage) { page in
                        markets.appending(queryItems: [
                            URLQueryItem(name: "vs_currency", value: "usd"), URLQueryItem(name: "order", value: "market_cap_desc"),
                            URLQueryItem(name: "per_page", value: "\(perPage)"), URLQueryItem(name: "page", value: "\(page)"),
                        ])
                    },
                    records: "", idPath: "id", knownFields: knownFields,
                    fetcher: HTTPFetcher(settings: HTTPSettings(config[HTTPSettings.key]), headers: headers, logger: config.context.logger))
                return SourceSetup(
                    source: source, defaults: NormalizerDefaults(mapping: mapping.overridden(by: config[CoinGeckoConfig.mapping]), typedValues: true))
            })
    }
}

/// The keys of a `type: coingecko` block.
enum CoinGeckoConfig {
    static let baseURL = ConfigKey(
        "base_url", default: CoinGeckoAdapter.defaultBaseURL, "API root (paid plans use https://pro-api.coingecko.com/api/v3)")
    static let apiKey = ConfigKey.optional("api_key", String.self, "API key (from the environment, e.g. ${COINGECKO_API_KEY:-})")
    static let plan = ConfigKey(
        "plan", default: "demo", allowed: .oneOf(["demo", "pro"]), "the key's plan: demo sends x-cg-demo-api-key, pro x-cg-pro-api-key")
    static let pages = ConfigKey("pages", default: 1, allowed: .range(1...100), "pages to read at most; a short page ends earlier")
    static let perPage = ConfigKey("per_page", default: 100, allowed: .range(1...250), "records per page")
    static let mapping = ConfigKey.optional("mapping", FieldMapping.self, "unified field -> payload path, over the default mapping")

    static let spec = ConfigSpec(baseURL, apiKey, plan, pages, perPage, mapping, HTTPSettings.key)
}
