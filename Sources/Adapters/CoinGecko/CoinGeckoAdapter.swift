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
                keys: [
                    ConfigKeyDoc("base_url", "string", "API root (default \(defaultBaseURL); paid plans use https://pro-api.coingecko.com/api/v3)"),
                    ConfigKeyDoc("api_key", "string", "API key (from the environment, e.g. ${COINGECKO_API_KEY:-})"),
                    ConfigKeyDoc("plan", "string", "demo (x-cg-demo-api-key, default) or pro (x-cg-pro-api-key)"),
                    ConfigKeyDoc("pages", "integer", "pages to read at most (default 1); a short page ends earlier"),
                    ConfigKeyDoc("per_page", "integer", "records per page, 1..250 (default 100)"),
                    ConfigKeyDoc("mapping", "map", "unified field -> payload path, over the default mapping"),
                    HTTPSettings.documentation,
                ]
            ) { config in
                let settings = try config.decode(CoinGeckoConfig.self)
                // Every value is checked, and every problem of the block reported at once.
                var problems = ConfigProblems()
                let base = problems.attempt { try APIBase.url(settings.baseURL ?? defaultBaseURL, config: config) }
                let perPage = settings.perPage ?? 100
                if !(1...250).contains(perPage) {
                    problems.attempt { throw config.diagnostic(key: "per_page", "per_page must be between 1 and 250") }
                }
                let pages = settings.pages ?? 1
                if !(1...100).contains(pages) {
                    problems.attempt { throw config.diagnostic(key: "pages", "pages must be between 1 and 100") }
                }
                let plan = settings.plan ?? "demo"
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
                case "demo", "pro": break
                default:
                    problems.attempt { throw config.diagnostic(key: "plan", "plan must be demo or pro, got \"\(plan)\"") }
                }
                try problems.throwIfAny()
                var headers: [(String, String)] = []
                if let key = settings.apiKey {
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
                    fetcher: HTTPFetcher(settings: settings.http, headers: headers, logger: config.context.logger))
                return SourceSetup(
                    source: source, defaults: NormalizerDefaults(mapping: mapping.overridden(by: settings.mapping), typedValues: true))
            })
    }
}

/// The keys of a `type: coingecko` block.
struct CoinGeckoConfig: Decodable {
    var baseURL: String?
    var apiKey: String?
    var plan: String?
    var pages: Int?
    var perPage: Int?
    var mapping: FieldMapping?
    var http: HTTPSettings?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseURL = "base_url"
        case apiKey = "api_key"
        case plan, pages
        case perPage = "per_page"
        case mapping, http
    }
}
