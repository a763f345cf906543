import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@testable import Server

/// HEAD wherever GET is served (RFC 9110 9.3.2): the GET answer's status and headers, no body;
/// uptime probes and link checkers use it.
@Suite struct HeadRequestTests {
    /// A concrete request path for each endpoint path.
    static func concrete(_ path: String) -> String {
        path.replacingOccurrences(of: "{ticker}", with: "BTC").replacingOccurrences(of: "{id}", with: "1")
    }

    @Test func everyGetEndpointAnswersHeadWithItsStatusAndHeadersAndNoBody() async throws {
        try await APIHarness.with(.sqlite, files: [sampleFiles[0]]) { harness, client in
            let paths = harness.api.endpoints.filter { $0.method == .get }.map { Self.concrete($0.path) }
            #expect(paths.count >= 10)
            for path in paths {
                let get = try await client.execute(uri: path, method: .get) { ($0.status, $0.headers, $0.body.readableBytes) }
                let head = try await client.execute(uri: path, method: .head) { ($0.status, $0.headers, $0.body.readableBytes) }
                #expect(head.0 == get.0, "\(path)")
                #expect(head.2 == 0, "\(path): HEAD answered with a body")
                for name in [HTTPField.Name.contentType, .cacheControl, .xContentTypeOptions] {
                    #expect(head.1[name] == get.1[name], "\(path): \(name)")
                }
                // The length of the answer a GET would have had (its request id, time and latency
                // vary from one answer to the next, so the two lengths are not compared).
                #expect(get.1[.contentLength] == String(get.2), "\(path)")
                #expect(head.1[.contentLength].flatMap(Int.init).map { $0 > 0 } == (get.2 > 0), "\(path)")
            }
            // A method the path does not take still names HEAD among those it does.
            let refused = try await client.execute(uri: "/health", method: .delete) { $0.headers[.allow] }
            #expect(refused == "GET, HEAD")
        }
    }
}
