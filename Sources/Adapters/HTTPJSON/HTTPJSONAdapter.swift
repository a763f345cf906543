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
                keys: [
                    ConfigKeyDoc("url", "string", required: true, "the URL to GET (page N adds page_param=N)"),
                    ConfigKeyDoc("headers", "map", "request headers; values from the environment, e.g. ${API_KEY}"),
                    ConfigKeyDoc("records", "string", "JSON pointer to the array of records (default \"\": the answer itself)"),
                    ConfigKeyDoc("id", "string", required: true, "path of each record's id (the source asset id)"),
                    ConfigKeyDoc("page_param", "string", "query parameter carrying the page number, when paged"),
                    ConfigKeyDoc("pages", "integer", "pages to read at most (default 1)"),
                    ConfigKeyDoc("page_size", "integer", "records per full page; a shorter page is the last"),
                    ConfigKeyDoc("mapping", "map", required: true, "unified field -> dotted payload path (ticker and price_usd at least)"),
                    HTTPSettings.documentation,
                ]
            ) { config in
                let settings = try config.decode(HTTPJSONConfig.self)
                let url = try APIBase.url(settings.url, config: config, key: "url")
                if let records = settings.records, !records.isEmpty, !records.hasPrefix("/") {
                    throw config.diagnostic(
                        key: "records", "records must be a JSON pointer: \"\" for the answer itself, or a path such as \"/\(records)\"")
                }
                guard settings.mapping[.ticker] != nil, settings.mapping[.priceUSD] != nil else {
                    throw config.diagnostic(key: "mapping", "mapping must name at least ticker and price_usd")
                }
                let pages = settings.pages ?? 1
                guard pages >= 1 else { throw config.diagnostic(key: "pages", "pages must be at least 1") }
                guard settings.pageParam != nil || pages == 1 else {
                    throw config.diagnostic(key: "pages", "pages > 1 needs page_param")
                }
                let pageParam = settings.pageParam
                var mapping = settings.mapping
                if mapping[.id] == nil { mapping.paths[.id] = settings.id }
                let source = JSONAPISource(
                    type: "http_json", expectedFields: Set(mapping.paths.values),
                    endpoint: .init(pages: pages, pageSize: settings.pageSize) { page in
                        guard let pageParam else { return url }
                        return url.appending(queryItems: [URLQueryItem(name: pageParam, value: "\(page)")])
                    },
                    records: settings.records ?? "", idPath: settings.id, knownFields: nil,
                    fetcher: HTTPFetcher(
                        settings: settings.http, headers: (settings.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                        logger: config.context.logger))
                return SourceSetup(source: source, defaults: NormalizerDefaults(mapping: mapping, typedValues: true))
            })
    }
}

/// The keys of a `type: http_json` block.
struct HTTPJSONConfig: Decodable {
    var url: String
    var headers: [String: String]?
    var records: String?
    var id: String
    var pageParam: String?
    var pages: Int?
    var pageSize: Int?
    var mapping: FieldMapping
    var http: HTTPSettings?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, headers, records, id
        case pageParam = "page_param"
        case pages
        case pageSize = "page_size"
        case mapping, http
    }
}
