import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization

/// A webhook on 127.0.0.1 (random port) that records what it is sent. While ``hold`` is on, it
/// keeps each request open without answering until ``release()``: a webhook that hangs.
final class WebhookServer: Sendable {
    struct Delivery: Sendable {
        var body: [String: Any] { (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] ?? [:] }
        var bytes: Data
        var headers: [String: String]
    }

    private let received = Mutex<[Delivery]>([])
    private let holding = Mutex<(on: Bool, waiting: Int)>((false, 0))
    private let (released, releaseAll) = AsyncStream.makeStream(of: Void.self)

    var deliveries: [Delivery] { received.withLock { $0 } }
    /// Requests received and not answered yet.
    var waiting: Int { holding.withLock { $0.waiting } }

    func hold() { holding.withLock { $0.on = true } }

    func release() {
        holding.withLock { $0.on = false }
        releaseAll.finish()
    }

    func serve<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        router.post("**") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            self.received.withLock { $0.append(Delivery(bytes: Data(buffer: bytes), headers: headers)) }
            if self.holding.withLock({ state in
                if state.on { state.waiting += 1 }
                return state.on
            }) {
                for await _ in self.released {}
                self.holding.withLock { $0.waiting -= 1 }
            }
            return Response(status: .noContent)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body(URL(string: "http://127.0.0.1:\(client.port!)/hooks/etl-secret-path")!)
        }
    }
}
