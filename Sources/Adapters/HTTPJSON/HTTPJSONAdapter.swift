import ETLFramework
import Foundation
import HTTPSourceKit

/// The generic JSON-over-HTTP adapter: registers `type: http_json`, so an API can be added in
/// `pipelines.yaml` alone: its URL, where the records are, their id, and a field mapping.
public enum HTTPJSONAdapter {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            SourceRegistration(
                type: "http_json", summary: "Any JSON API: records found by a JSON pointer, fields mapped in the file",
                config: HTTPJSONConfig.spec
            ) { config in
                let url = try APIBase.url(config[HTTPJSONConfig.url], config: config, key: "url")
                let records = config[HTTPJSONConfig.records], id = config[HTTPJSONConfig.id]
                if !records.isEmpty, !records.hasPrefix("/") {
                    throw config.diagnostic(
                        key: "records", "records must be a JSON pointer: \"\" for the answer itself, or a path such as \"/\(records)\"")
                }
                var mapping = config[HTTPJSONConfig.mapping]
                guard mapping[.ticker] != nil, mapping[.priceUSD] != nil else {
                    throw config.diagnostic(key: "mapping", "mapping must name at least ticker and price_usd")
                }
                let pages = config[HTTPJSONConfig.pages], pageParam = config[HTTPJSONConfig.pageParam]
                guard pageParam != nil || pages == 1 else {
                    throw config.diagnostic(key: "pages", "pages > 1 needs page_param")
                }
                if mapping[.id] == nil { mapping.paths[.id] = id }
                let source = JSONAPISource(
                    type: "http_json", expectedFields: Set(mapping.paths.values),
                    endpoint: .init(pages: pages, pageSize: config[HTTPJSONConfig.pageSize]) { page in
                        guard let pageParam else { return url }
                        return url.appending(queryItems: [URLQueryItem(name: pageParam, value: "\(page)")])
                    },
                    records: records, idPath: id, knownFields: nil,
                    fetcher: HTTPFetcher(
                        settings: HTTPSettings(config[HTTPSettings.key]),
                        headers: config[HTTPJSONConfig.headers].sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                        logger: config.context.logger))
                return SourceSetup(source: source, defaults: NormalizerDefaults(mapping: mapping, typedValues: true))
            })
    }
}

/// The keys of a `type: http_json` block.
enum HTTPJSONConfig {
    static let url = ConfigKey.required("url", String.self, "the URL to GET (page N adds page_param=N)")
    static let headers = ConfigKey("headers", default: [String: String](), "request headers; values from the environment, e.g. ${API_KEY}")
    static let records = ConfigKey("records", default: "", "JSON pointer to the array of records (\"\": the answer itself)")
    static let id = ConfigKey.required("id", String.self, allowed: .notEmpty, "path of each record's id (the source asset id)")
    static let pageParam = ConfigKey.optional("page_param", String.self, "query parameter carrying the page number, when paged")
    static let pages = ConfigKey("pages", default: 1, allowed: .range(1...1000), "pages to read at most")
    static let pageSize = ConfigKey.optional("page_size", Int.self, allowed: .atLeast(1), "records per full page; a shorter page is the last")
    static let mapping = ConfigKey.required(
        "mapping", FieldMapping.self, "unified field -> dotted payload path (ticker and price_usd at least)")

    static let spec = ConfigSpec(url, headers, records, id, pageParam, pages, pageSize, mapping, HTTPSettings.key)
}
