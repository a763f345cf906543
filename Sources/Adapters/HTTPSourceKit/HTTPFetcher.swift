import AsyncHTTPClient
import ETLFramework
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Tracing

/// Fetches JSON documents for one run of one source: timeouts, retries with exponential backoff and
/// jitter on 429, 5xx, timeouts and connection errors (honouring `Retry-After` up to a ceiling),
/// pacing to the source's request rate, gzip, a `User-Agent`, and error answers turned into a clear
/// message. One implementation for every API adapter.
public struct HTTPFetcher: Sendable {
    public let settings: HTTPSettings
    public let headers: [(String, String)]
    let logger: Logger
    static let userAgent = "kasparro-etl/1.0 (+https://github.com/)"
    static let maxBody = 64 << 20

    /// `settings` is a source's `http:` block; absent, every default applies.
    public init(settings: HTTPSettings = HTTPSettings(), headers: [(String, String)], logger: Logger) {
        self.settings = settings
        self.headers = headers
        self.logger = logger
    }

    /// A fetched document and when it was received.
    public struct Document: Sendable {
        public var json: RawValue
        public var receivedAt: Date
    }

    /// Runs `body` with an HTTP client that lives as long as the call.
    public func withClient<T>(_ body: (Session) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(settings.connect), read: TimeAmount(settings.read))
        configuration.decompression = .enabled(limit: .ratio(50))
        // Connection failures surface at once; the retry loop here decides, with its backoff.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await body(Session(fetcher: self, client: client))
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// A client and the pacing state of one run; used by the one task that reads the source.
    public final class Session {
        let fetcher: HTTPFetcher
        let client: HTTPClient
        var lastRequest: ContinuousClock.Instant?

        init(fetcher: HTTPFetcher, client: HTTPClient) {
            self.fetcher = fetcher
            self.client = client
        }

        /// GETs `url` and parses the JSON answer, retrying what is worth retrying.
        ///
        /// With a tracer set up this is one client span (`GET host`) holding every attempt: each
        /// retry is an event with its reason and delay, and each attempt's request a child span.
        public func json(_ url: URL) async throws -> Document {
            let host = url.host ?? url.absoluteString
            return try await withSpan("GET \(host)", ofKind: .client) { span in
                span.attributes["http.request.method"] = "GET"
                span.attributes["server.address"] = host
                span.attributes["url.path"] = url.path
                return try await json(url, host: host, span: span)
            }
        }

        func json(_ url: URL, host: String, span: any Span) async throws -> Document {
            let settings = fetcher.settings
            var attempt = 0
            defer { span.attributes["etl.http.attempts"] = attempt }
            while true {
                attempt += 1
                if let lastRequest {
                    let wait = settings.spacing - (ContinuousClock.now - lastRequest)
                    if wait > .zero { try await Task.sleep(for: wait) }
                }
                lastRequest = .now
                let outcome = await once(url)
                Counter(label: "etl_source_http_requests_total", dimensions: [("host", host), ("status", outcome.statusLabel)]).increment()
                if case .retry = outcome, attempt < settings.maxAttempts {
                    Counter(label: "etl_source_http_retries_total", dimensions: [("host", host)]).increment()
                }
                if let status = outcome.status { span.attributes["http.response.status_code"] = status }
                switch outcome {
                case .document(let document):
                    return document
                case .fail(let status, let reason):
                    throw HTTPFailure(host: host, status: status, reason: reason, attempts: attempt)
                case .retry(let status, let reason, let retryAfter):
                    if let retryAfter, retryAfter > settings.retryAfterCeiling {
                        throw HTTPFailure(
                            host: host, status: status,
                            reason: "\(reason) (Retry-After \(retryAfter) exceeds the \(settings.retryAfterCeiling) ceiling)",
                            attempts: attempt)
                    }
                    guard attempt < settings.maxAttempts else {
                        throw HTTPFailure(host: host, status: status, reason: reason, attempts: attempt)
                    }
                    let backoff = Duration.milliseconds(250 * (1 << min(attempt - 1, 6)))
                    let jitter = Duration.milliseconds(Int64.random(in: 0...250))
                    let delay = max(retryAfter ?? .zero, backoff + jitter)
                    span.addEvent(
                        SpanEvent(
                            name: "retry",
                            attributes: [
                                "etl.http.attempt": .int64(Int64(attempt)), "etl.http.reason": .string(reason),
                                "etl.http.delay_ms": .int64(delay.inMilliseconds),
                            ]))
                    fetcher.logger.warning(
                        "request failed; retrying",
                        metadata: [
                            "host": "\(host)", "status": "\(status.map(String.init) ?? "-")", "reason": "\(reason)",
                            "attempt": "\(attempt)", "delay": "\(delay)",
                        ])
                    try await Task.sleep(for: delay)
                }
            }
        }

        enum Outcome {
            case document(Document)
            case retry(status: Int?, reason: String, retryAfter: Duration?)
            case fail(status: Int?, reason: String)

            /// The HTTP status, when there was an answer.
            var status: Int? {
                switch self {
                case .document: 200
                case .retry(let status, _, _), .fail(let status, _): status
                }
            }

            /// The HTTP status as a metric label; `error` when there was no answer.
            var statusLabel: String {
                switch self {
                case .document: "200"
                case .retry(let status, _, _), .fail(let status, _): status.map(String.init) ?? "error"
                }
            }
        }

        func once(_ url: URL) async -> Outcome {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers.add(name: "User-Agent", value: HTTPFetcher.userAgent)
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "Accept-Encoding", value: "gzip")
            for (name, value) in fetcher.headers { request.headers.add(name: name, value: value) }
            let total = TimeAmount.nanoseconds(
                Int64((fetcher.settings.connect + fetcher.settings.read * 2).components.seconds) * 1_000_000_000)
            do {
                let response = try await client.execute(request, timeout: total)
                let body = try await response.body.collect(upTo: HTTPFetcher.maxBody)
                let bytes = Array(buffer: body)
                let status = Int(response.status.code)
                guard (200..<300).contains(status) else {
                    let detail = ErrorBody.message(bytes) ?? response.status.reasonPhrase
                    let reason = "\(status) \(response.status.reasonPhrase): \(detail)"
                    if status == 429 || status >= 500 {
                        return .retry(status: status, reason: reason, retryAfter: RetryAfter.delay(response.headers.first(name: "Retry-After")))
                    }
                    return .fail(status: status, reason: reason)
                }
                do {
                    return .document(Document(json: try RawJSON.parse(bytes), receivedAt: Date()))
                } catch {
                    return .retry(status: status, reason: "the answer is not complete JSON (\(error))", retryAfter: nil)
                }
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                return .retry(status: nil, reason: "no answer within \(fetcher.settings.read)", retryAfter: nil)
            } catch let error as HTTPClientError where error == .connectTimeout {
                return .retry(status: nil, reason: "no connection within \(fetcher.settings.connect)", retryAfter: nil)
            } catch {
                return .retry(status: nil, reason: Self.describe(error), retryAfter: nil)
            }
        }

        static func describe(_ error: any Error) -> String {
            let text = "\(error)"
            if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
            if text.contains("NXDOMAIN") || text.contains("resolve") || text.contains("DNS") { return "the host name does not resolve" }
            return text.count > 200 ? String(text.prefix(200)) : text
        }
    }

}
