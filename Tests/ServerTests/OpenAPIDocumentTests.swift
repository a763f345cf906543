import Foundation
import OpenAPIKit30
import Testing
import TestSupport

@testable import Server

/// The checked-in API document is a valid OpenAPI 3.0 document, and it is what `/openapi.json` serves.
@Suite struct OpenAPIDocumentTests {
    static let file = Paths.packageRoot.appendingPathComponent("Sources/Server/Resources/openapi.json")

    @Test func theDocumentFilePassesOpenAPIKitValidation() throws {
        let data = try Data(contentsOf: Self.file)
        let document = try JSONDecoder().decode(OpenAPI.Document.self, from: data)
        try document.validate()
        #expect(document.info.title == "Kasparro ETL")
        #expect(document.paths.count == 17)
        let operations = document.paths.flatMap { path, item in
            (item.pathItemValue?.endpoints ?? []).map { "\($0.method.rawValue.uppercased()) \(path.rawValue)" }
        }
        #expect(operations.count == 17)
        #expect(operations.contains("GET /health/live") && operations.contains("GET /health/ready"))
        #expect(operations.contains("POST /trigger-etl"))
        #expect(operations.contains("GET /pipelines/{name}/tap"))
    }

    @Test func theServedDocumentIsTheFile() throws {
        #expect(OpenAPIDocument.bytes == [UInt8](try Data(contentsOf: Self.file)))
    }
}
