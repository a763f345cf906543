import ETLFramework
import HostSupport
import Hummingbird

/// The documents about the API: `GET /` (the endpoints this host serves, from the router's own
/// list) and `GET /openapi.json`.
extension API {
    var documentRoutes: [Endpoint] {
        [
            Endpoint(method: .get, path: "/", summary: "This list (JSON), or the dashboard for a browser", listed: false) { request, context in
                if wantsHTML(request) { return try await dashboard(request, context) }
                _ = try Self.page(request)
                return index(context)
            },
            Endpoint(method: .get, path: "/openapi.json", summary: "The OpenAPI 3 description of this API") { _, context in
                OpenAPIDocument.response(context)
            },
            Endpoint(method: .get, path: "/docs", summary: "The API document as a page for people") { _, context in
                OpenAPIDocument.page.response(context)
            },
        ]
    }

    func index(_ context: APIRequestContext) -> Response {
        JSON.response(
            JSON.object([
                ("service", .string("kasparro-etl")),
                ("pipelines", .array(pipelineNames.map { .string($0) })),
                (
                    "endpoints",
                    .array(
                        endpoints.filter(\.listed).map { endpoint in
                            JSON.object([
                                ("method", .string(endpoint.method.rawValue)), ("path", .string(endpoint.path)),
                                ("summary", .string(endpoint.summary)),
                            ])
                        })
                ),
                ("request_id", .string(context.requestID)),
            ]))
    }
}
