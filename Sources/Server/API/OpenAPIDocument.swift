import ETLFramework
import HostSupport
import Foundation
import Hummingbird

/// The OpenAPI 3 description of the REST API, served at `/openapi.json` from the checked-in file
/// `Sources/Server/Resources/openapi.json`. Tests validate the file with OpenAPIKit, compare its
/// operations with the router's endpoints and check real answers of every endpoint against its
/// schemas, so the document cannot drift from what is served.
enum OpenAPIDocument {
    static func response(_ context: APIRequestContext) -> Response {
        answer.response(context)
    }

    /// The document with its tag and gzip form.
    static let answer = StaticAnswer(bytes: bytes, contentType: "application/json; charset=utf-8")

    /// The document's bytes, read once from the module's resources.
    static let bytes = resource("openapi", "json")

    /// `GET /docs`: a page that shows the document to a person (it reads `/openapi.json`; nothing
    /// is loaded from elsewhere).
    static let page = StaticAnswer(bytes: resource("docs", "html"), contentType: "text/html; charset=utf-8")

    static func resource(_ name: String, _ type: String) -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: type), let data = try? Data(contentsOf: url) else {
            preconditionFailure("the resource \(name).\(type) is missing from the Server module's bundle")
        }
        return [UInt8](data)
    }
}
