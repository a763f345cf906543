import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

@testable import Server
import StandardPlugins

/// Every answer the API gives, checked against the OpenAPI document it serves.
/// On every store (SQLite needs no server; PostgreSQL when TEST_DATABASE_URL is set).
@Suite struct OpenAPIConformanceTests {
    @Test(arguments: StoreKind.available)
    func everyEndpointAnswersAsTheDocumentSays(kind: StoreKind) async throws {
        try await APIHarness.with(kind, files: sampleFiles) { harness, client in
            let document = try await client.json("/openapi.json")
            #expect(document.status == .ok)
            #expect(document.body["openapi"] as? String == "3.0.3")
            let validator = SchemaValidator(document: document.body)
            // The document describes exactly the operations the router serves (its one list).
            let paths = document.body["paths"] as? [String: [String: Any]] ?? [:]
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            let served = Set(harness.api.endpoints.map { "\($0.method.rawValue) \($0.path)" })
            #expect(served == documented)
            // The index lists every endpoint but itself, from the same list.
            let index = try await client.json("/")
            let listed = (index.body["endpoints"] as? [[String: Any]] ?? []).map { "\($0["method"] ?? "") \($0["path"] ?? "")" }
            #expect(Set(listed) == served.subtracting(["GET /"]))
            // And the router itself answers each of them (a sample value for each parameter).
            for endpoint in harness.api.endpoints {
                let uri = endpoint.path.replacingOccurrences(of: "{ticker}", with: "PEPE").replacingOccurrences(of: "{id}", with: "1")
                let answer = try await client.execute(uri: uri, method: endpoint.method, headers: [:]) { $0.status }
                #expect(answer != .notFound && answer != .methodNotAllowed, "\(endpoint.method) \(uri): \(answer)")
            }

            let cases: [(uri: String, path: String, method: HTTPRequest.Method, status: HTTPResponse.Status, headers: HTTPFields)] = [
                ("/", "/", .get, .ok, [:]),
                ("/data?limit=2", "/data", .get, .ok, [:]),
                ("/data?limit=0", "/data", .get, .badRequest, [:]),
                ("/data/PEPE", "/data/{ticker}", .get, .ok, [:]),
                ("/data/NOPE", "/data/{ticker}", .get, .notFound, [:]),
                ("/data/ETH/history", "/data/{ticker}/history", .get, .ok, [:]),
                ("/data/ETH/history?end_date=x", "/data/{ticker}/history", .get, .badRequest, [:]),
                ("/health", "/health", .get, .ok, [:]),
                ("/stats", "/stats", .get, .ok, [:]),
                ("/trigger-etl", "/trigger-etl", .post, .unauthorized, [:]),
                ("/trigger-etl?pipeline=nope", "/trigger-etl", .post, .notFound, token),
                ("/trigger-etl?pipeline=alpha", "/trigger-etl", .post, .accepted, token),
                ("/runs", "/runs", .get, .ok, [:]),
                ("/runs?status=x", "/runs", .get, .badRequest, [:]),
                ("/runs/2", "/runs/{id}", .get, .ok, [:]),
                ("/runs/99", "/runs/{id}", .get, .notFound, [:]),
                ("/runs/2/anomalies", "/runs/{id}/anomalies", .get, .ok, [:]),
                ("/runs/2/anomalies?limit=0", "/runs/{id}/anomalies", .get, .badRequest, [:]),
                ("/runs/99/anomalies", "/runs/{id}/anomalies", .get, .notFound, [:]),
            ]
            for item in cases {
                let answer = try await client.json(item.uri, method: item.method, headers: item.headers)
                #expect(answer.status == item.status, "\(item.uri): \(answer.body)")
                let schema = validator.responseSchema(path: item.path, method: item.method.rawValue.lowercased(), status: Int(item.status.code))
                #expect(schema != nil, "\(item.method) \(item.path) \(item.status.code) is not documented")
                if let schema {
                    let problems = validator.validate(answer.body, against: schema)
                    #expect(problems.isEmpty, "\(item.uri): \(problems)")
                }
            }
        }
    }

    @Test func theValidatorCatchesAnswersThatDrift() async throws {
        let document: [String: Any] = [
            "components": [
                "schemas": [
                    "R": [
                        "type": "object", "required": ["id"],
                        "properties": ["id": ["type": "integer"], "name": ["type": "string", "nullable": true]],
                    ]
                ]
            ]
        ]
        let validator = SchemaValidator(document: document)
        let schema: [String: Any] = ["$ref": "#/components/schemas/R"]
        #expect(validator.validate(["id": 1, "name": NSNull()], against: schema).isEmpty)
        #expect(validator.validate(["name": "x"], against: schema) == ["$: missing required id"])
        #expect(validator.validate(["id": "1"], against: schema) == ["$.id: not an integer"])
        #expect(validator.validate(["id": 1, "extra": true], against: schema) == ["$: member extra is not in the schema"])
        let both: [String: Any] = ["allOf": [schema, ["type": "object", "required": ["more"], "properties": ["more": ["type": "string"]]]]]
        #expect(validator.validate(["id": 1, "more": "m"], against: both).isEmpty)
        #expect(validator.validate(["id": 1], against: both) == ["$: missing required more"])
    }
}
