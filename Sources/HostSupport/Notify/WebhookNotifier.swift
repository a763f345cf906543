import AsyncHTTPClient
import ETLFramework
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Posts run events to the `notify:` webhook, off the runs' path.
///
/// ``runFinished(_:logger:)`` only queues an event (up to ``queueLimit``; the oldest are dropped,
/// said in the log, when a dead webhook lets more pile up). ``run(logger:)`` delivers them one by one,
/// each attempt bounded by the timeout, retried with backoff on connection errors, timeouts, 429
/// and 5xx. Delivery is at least once: an attempt that timed out may have arrived, so a retry can
/// repeat an event; each carries its `event_id` (and `X-Event-Id`) for the receiver to drop repeats.
/// Header values and the webhook's path never reach the log.
package final class WebhookNotifier: RunObserver, Sendable {
    package let settings: NotifySettings
    let redaction: Redaction
    let events: AsyncStream<RunEvent>
    let queue: AsyncStream<RunEvent>.Continuation
    /// Set by ``finish(drainingFor:)``: deliveries stop being attempted after it.
    let drainDeadline = Mutex<ContinuousClock.Instant?>(nil)

    package static let queueLimit = 1_000
    /// How long `host run --once` waits, after its runs, for their notifications to go out.
    package static let onceDrainGrace: Duration = .seconds(15)

    package init(settings: NotifySettings, redaction: Redaction) {
        self.settings = settings
        // The webhook's address (its path is often its secret) is redacted wherever the notifier logs.
        self.redaction = Redaction(secrets: redaction.secrets + [settings.webhook.absoluteString])
        (events, queue) = AsyncStream.makeStream(of: RunEvent.self, bufferingPolicy: .bufferingNewest(Self.queueLimit))
    }

    package func runFinished(_ report: RunReport, logger: Logger) {
        guard let event = RunEvent(report, redaction: redaction), settings.events.contains(event.event) else { return }
        if case .dropped(let old) = queue.yield(event) {
            logger.warning(
                "notification queue full; the oldest event is dropped",
                metadata: ["event": "\(old.event.rawValue)", "pipeline": "\(old.pipeline)", "run_id": "\(old.runID)"])
        }
    }

    /// Stops taking events; those queued are still delivered until `grace` has passed.
    package func finish(drainingFor grace: Duration) {
        drainDeadline.withLock { $0 = ContinuousClock.now + grace }
        queue.finish()
    }

    /// The longest one delivery attempt may take.
    var attemptTimeout: TimeAmount {
        let parts = settings.timeout.components
        return .nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    }

    var draining: Bool {
        drainDeadline.withLock { deadline in deadline.map { ContinuousClock.now >= $0 } ?? false }
    }

    /// Delivers queued events until ``finish(drainingFor:)``.
    package func run(logger: Logger) async {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: attemptTimeout, read: attemptTimeout)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        // Not traced: a span would carry the webhook's address, whose path often is its secret.
        configuration.tracing.tracer = nil
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        for await event in events {
            await deliver(event, client: client, logger: logger)
        }
        try? await client.shutdown()
    }

    func deliver(_ event: RunEvent, client: HTTPClient, logger: Logger) async {
        var logger = logger
        logger[metadataKey: "event"] = "\(event.event.rawValue)"
        logger[metadataKey: "pipeline"] = "\(event.pipeline)"
        logger[metadataKey: "run_id"] = "\(event.runID)"
        logger[metadataKey: "webhook"] = "\(settings.safeDescription)"
        var request = HTTPClientRequest(url: settings.webhook.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "kasparro-etl/1.0")
        request.headers.add(name: "X-Event-Id", value: event.id)
        for header in settings.headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: event.body))
        var backoff = Duration.milliseconds(500)
        for attempt in 1...(settings.retries + 1) {
            guard !draining else {
                logger.warning("notification not delivered: the host is stopping")
                return
            }
            var failure: String
            do {
                let response = try await client.execute(request, timeout: attemptTimeout)
                _ = try? await response.body.collect(upTo: 64 << 10)
                let code = response.status.code
                if (200..<300).contains(code) {
                    logger.info("notification delivered", metadata: ["status": "\(code)", "attempt": "\(attempt)"])
                    return
                }
                failure = "the webhook answered \(code)"
                guard code == 429 || code >= 500 else {
                    logger.error("notification refused", metadata: ["status": "\(code)"])
                    return
                }
            } catch {
                failure = redaction.redact(RunFailure.message(for: error))
            }
            if attempt > settings.retries {
                logger.error("notification not delivered", metadata: ["error": "\(failure)", "attempts": "\(attempt)"])
                return
            }
            logger.warning("notification attempt failed; retrying", metadata: ["error": "\(failure)", "attempt": "\(attempt)"])
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(8))
        }
    }
}
