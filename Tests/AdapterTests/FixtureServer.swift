import ETLFramework
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ETLPostgresStore
import Synchronization
import TestSupport

@testable import Server
import StandardPlugins

/// An HTTP server on 127.0.0.1 (random port) that replays recorded API answers, scripted per path:
/// each request to a path takes the next reply in its list; the last one repeats.
final class FixtureServer: Sendable {
    enum Reply: Sendable {
        case body(status: HTTPResponse.Status, bytes: [UInt8], contentType: String, headers: [(String, String)])
        /// Sends nothing for this long (a server that hangs).
        case hang(Duration)

        static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: [(String, String)] = []) -> Reply {
            .body(status: status, bytes: bytes, contentType: "application/json", headers: headers)
        }

        static func fixture(_ name: String) throws -> Reply {
            .json(Array(try Data(contentsOf: Paths.fixture(name))))
        }
    }

    private let script = Mutex<[String: [Reply]]>([:])
    private let seen = Mutex<[String]>([])
    private let headers = Mutex<[String: String]>([:])

    /// Some headers of the last request (User-Agent, Accept-Encoding, and the API key headers).
    var lastHeaders: [String: String] { headers.withLock { $0 } }

    /// Sets the replies of `path` (without the query).
    func on(_ path: String, _ replies: Reply...) {
        script.withLock { $0[path] = replies }
    }

    /// The requests received so far, as path?query.
    var requests: [String] { seen.withLock { $0 } }

    func reply(to request: Request) async throws -> Response {
        let path = request.uri.path
        seen.withLock { $0.append(path + (request.uri.query.map { "?" + $0 } ?? "")) }
        headers.withLock { last in
            last = [:]
            for name in ["User-Agent", "Accept-Encoding", "Authorization", "x-cg-demo-api-key", "x-cg-pro-api-key"] {
                if let value = request.headers[HTTPField.Name(name)!] { last[name] = value }
            }
        }
        let reply = script.withLock { script -> Reply? in
            guard var list = script[path], let first = list.first else { return nil }
            if list.count > 1 { list.removeFirst() }
            script[path] = list
            return first
        }
        switch reply {
        case nil:
            return Response(status: .notFound)
        case .hang(let duration):
            try await Task.sleep(for: duration)
            return Response(status: .gatewayTimeout)
        case .body(let status, let bytes, let contentType, let extra)?:
            var headers = HTTPFields()
            headers[.contentType] = contentType
            for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// Serves until `body` returns; `body` gets the server's base URL.
    func serve<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("**") { request, _ in try await self.reply(to: request) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}

/// Builds sources from pipeline-file text with the host's real plugin list.
enum Sources {
    static func load(_ yaml: String) throws -> LoadedPipelineFile {
        try PipelineFileLoader(registry: StandardPlugins.registry, environment: [:])
            .load(
                text: "store: {type: postgres, url: \"postgres://etl@127.0.0.1:1/etl\"}\n" + yaml, file: "test.yaml",
                baseDirectory: "/tmp", logger: Logger(label: "test"))
    }

    /// Everything one read of `pipeline` produced, normalized.
    struct Read {
        var quotes: [Quote] = []
        var rejections: [Rejection] = []
        var raw: [RawRecord] = []
        var skipped = 0
        var checkpoint: Checkpoint?
        var summary: String?
    }

    static func read(_ pipeline: Pipeline, from checkpoint: Checkpoint? = nil) async throws -> Read {
        var reader = try await pipeline.source.open(resumingFrom: checkpoint, logger: Logger(label: "test"))
        var result = Read(checkpoint: checkpoint)
        var chain = pipeline.transforms
        while let batch = try await reader.nextBatch(maxRecords: 7) {
            let output = chain.run(batch.records)
            let offset = result.raw.count
            result.quotes += output.quotes.map { quote in
                var quote = quote
                quote.rawIndex += offset
                return quote
            }
            result.rejections += batch.rejections + output.rejections
            result.raw += batch.records
            result.skipped += batch.skipped
            result.checkpoint = batch.checkpoint
        }
        result.summary = reader.summary
        return result
    }
}
