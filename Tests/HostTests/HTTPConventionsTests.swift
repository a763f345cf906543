import CompressNIO
import ETLFramework
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TestSupport

@testable import Server

/// What off-the-shelf clients and caches expect of an HTTP API: gzip when asked, entity tags and
/// `304`, cache lifetimes that say what is true per route, and CORS when configured.
@Suite struct HTTPConventionsTests {
    /// 80 tickers: answers well above the compression threshold.
    static let many: [(String, String)] = [
        (
            "many",
            APIHarness.header
                + (1...80).map { "T\($0),Token number \($0),\($0).25,\($0 * 1000),\($0 * 10),0.5,2025-12-10T12:00:00Z\n" }.joined()
        )
    ]

    static func json(_ buffer: ByteBuffer) -> NSDictionary? {
        var object = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any]
        object?["meta"] = nil
        object?["request_id"] = nil
        return object.map { $0 as NSDictionary }
    }

    @Test func gzipAnswersDecompressToThePlainAnswer() async throws {
        try await APIHarness.with(.sqlite, files: Self.many) { _, client in
            for path in ["/data?limit=80", "/data/T7", "/data/T7/history", "/stats", "/runs", "/openapi.json", "/metrics", "/"] {
                let plain = try await client.execute(uri: path, method: .get) { ($0.status, $0.headers, $0.body) }
                let zipped = try await client.execute(uri: path, method: .get, headers: [.acceptEncoding: "br;q=1, gzip;q=0.8"]) {
                    ($0.status, $0.headers, $0.body)
                }
                #expect(plain.0 == .ok && zipped.0 == .ok, "\(path)")
                #expect(plain.1[.contentEncoding] == nil, "\(path)")
                #expect(plain.1[.vary]?.contains("Accept-Encoding") == true, "\(path)")
                guard plain.2.readableBytes >= Gzip.threshold else {
                    #expect(zipped.1[.contentEncoding] == nil, "\(path): \(plain.2.readableBytes) bytes sent compressed")
                    continue
                }
                #expect(zipped.1[.contentEncoding] == "gzip", "\(path)")
                #expect(zipped.1[.contentLength] == String(zipped.2.readableBytes), "\(path)")
                var compressed = zipped.2
                let inflated = try compressed.decompress(with: .gzip())
                #expect(inflated.readableBytes > 2 * zipped.2.readableBytes, "\(path): \(inflated.readableBytes) -> \(zipped.2.readableBytes)")
                if path == "/openapi.json" || path == "/metrics" {
                    #expect(path == "/metrics" || inflated == plain.2, "\(path)")
                } else {
                    #expect(Self.json(inflated) == Self.json(plain.2), "\(path)")
                }
            }
            // Refused with q=0, and not asked for.
            let refused = try await client.execute(uri: "/data?limit=80", method: .get, headers: [.acceptEncoding: "gzip;q=0, identity"]) {
                $0.headers[.contentEncoding]
            }
            #expect(refused == nil)
        }
    }

    @Test func entityTagsAnswer304UntilTheDataChanges() async throws {
        try await APIHarness.with(.sqlite, files: Self.many) { harness, client in
            for path in ["/data?limit=5", "/data/T7", "/data/T7/history", "/stats"] {
                let first = try await client.execute(uri: path, method: .get) { $0.headers[.eTag] }
                let second = try await client.execute(uri: path, method: .get, headers: [.acceptEncoding: "gzip"]) { $0.headers[.eTag] }
                let tag = try #require(first, "\(path)")
                #expect(tag.hasPrefix("W/\"") && second == tag, "\(path)")
                let revalidated = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "\"other\", \(tag)"]) {
                    ($0.status, $0.body.readableBytes, $0.headers[.eTag])
                }
                #expect(revalidated.0 == .notModified && revalidated.1 == 0 && revalidated.2 == tag, "\(path)")
            }
            let before = try #require(try await client.execute(uri: "/data/T7", method: .get) { $0.headers[.eTag] })
            // A load that changes T7.
            let file = harness.directory.appendingPathComponent("many.csv")
            let handle = try FileHandle(forWritingTo: file)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("T7,Token number 7,99.5,7000,70,0.5,2025-12-11T12:00:00Z\n".utf8))
            try handle.close()
            _ = try await harness.controller.runner.run(harness.controller.pipelines[0], trigger: .cli, logger: TestLog.logger)
            let changed = try await eventually(10) {
                try await client.execute(uri: "/data/T7", method: .get, headers: [.ifNoneMatch: before]) { $0.status } == .ok
            }
            #expect(changed, "the tag did not change with the data")
            let after = try await client.execute(uri: "/data/T7", method: .get) { $0.headers[.eTag] }
            #expect(after != nil && after != before)
            // The document never changes: a strong tag.
            let document = try #require(try await client.execute(uri: "/openapi.json", method: .get) { $0.headers[.eTag] })
            #expect(document.hasPrefix("\""))
            let unchanged = try await client.execute(uri: "/openapi.json", method: .get, headers: [.ifNoneMatch: document]) { $0.status }
            #expect(unchanged == .notModified)
        }
    }

    @Test func cacheLifetimesSayWhatIsTruePerRoute() async throws {
        try await APIHarness.with(.sqlite, files: Self.many) { _, client in
            let expected = [
                "/data": "no-cache", "/data/T1": "no-cache", "/stats": "no-cache", "/health": "no-store", "/metrics": "no-store",
                "/openapi.json": "public, max-age=300",
            ]
            for (path, lifetime) in expected {
                let given = try await client.execute(uri: path, method: .get) { $0.headers[.cacheControl] }
                #expect(given == lifetime, "\(path)")
            }
        }
    }

    @Test func corsIsOffByDefaultAndFollowsTheConfiguredOrigins() async throws {
        let preflight: HTTPFields = [.origin: "https://dash.example.com", .accessControlRequestMethod: "GET"]
        try await APIHarness.with(.sqlite, files: Self.many) { _, client in
            let answer = try await client.execute(uri: "/data", method: .options, headers: preflight) {
                ($0.status, $0.headers[.accessControlAllowOrigin])
            }
            #expect(answer.0 == .methodNotAllowed && answer.1 == nil)
        }
        let cors = CORSSettings(origins: ["https://dash.example.com"], maxAge: .seconds(600))
        try await APIHarness.with(.sqlite, files: Self.many, cors: cors) { _, client in
            let allowed = try await client.execute(uri: "/data", method: .options, headers: preflight) { $0 }
            #expect(allowed.status == .noContent)
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://dash.example.com")
            #expect(allowed.headers[.accessControlMaxAge] == "600")
            #expect(allowed.headers[.accessControlAllowHeaders]?.contains("X-Scheduler-Token") == true)
            var other = preflight
            other[.origin] = "https://evil.example.net"
            let refused = try await client.execute(uri: "/data", method: .options, headers: other) { $0.status }
            #expect(refused == .forbidden)
            let read = try await client.execute(uri: "/data/T1", method: .get, headers: [.origin: "https://dash.example.com"]) { $0.headers }
            #expect(read[.accessControlAllowOrigin] == "https://dash.example.com")
            #expect(read[.accessControlExposeHeaders]?.contains("ETag") == true)
            let foreign = try await client.execute(uri: "/data/T1", method: .get, headers: [.origin: "https://evil.example.net"]) { $0.headers }
            #expect(foreign[.accessControlAllowOrigin] == nil)
        }
    }
}
