import ETLFramework
import HostSupport
import Hummingbird
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// `host run FILE`: the long-running service. One service group: change watcher, run controller,
/// HTTP server; shut down in reverse order on SIGTERM/SIGINT, so the API stops first, then running
/// pipelines stop at a batch boundary, then the database connections close.
package enum Serve {
    /// `first` are services started before, and stopped after, all others (span export).
    package static func run(_ loaded: LoadedPipelineFile, logger: Logger, first: [any Service] = []) async throws {
        HostMetrics.bootstrap()
        try await withStore(loaded.store, logger: logger) { _ in
            let notifier = loaded.notify.map { WebhookNotifier(settings: $0, redaction: loaded.redaction) }
            var runner = PipelineRunner(store: loaded.store, observer: notifier)
            let taps = TapHub()
            runner.taps = taps
            if let notify = loaded.notify {
                let events = notify.events.map(\.rawValue).sorted()
                logger.info("notifications on", metadata: ["webhook": "\(notify.safeDescription)", "events": "\(events)"])
            }
            let controller = RunController(runner: runner, pipelines: loaded.pipelines, logger: logger)
            let api = API(store: loaded.store, controller: controller, settings: loaded.server, logger: logger)
            let openFiles = OpenFileLimit.raise(logger: logger)
            let connections = ConnectionCount(
                limit: loaded.server.maxConnections ?? ServerSettings.defaultMaxConnections(openFiles: openFiles))
            logger.info("connection limit", metadata: ["max_connections": "\(connections.limit)", "open_files": "\(openFiles)"])
            let idle = loaded.server.idleTimeout.components
            let app = Application(
                router: api.router(),
                server: .http1(
                    configuration: .init(
                        additionalChannelHandlers: [HTTP1HandlerInstaller(connections: connections)],
                        idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000))),
                configuration: .init(address: .hostname(loaded.server.host, port: loaded.server.port), serverName: "kasparro-etl"),
                onServerRunning: { channel in
                    logger.info("serving", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
                },
                logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    // Stopped in reverse order: the notifier after the runs, so it can tell of their end.
                    services: first + [
                        ChangeWatcherService(store: loaded.store, cache: api.cache, logger: logger),
                        MaintenanceService(store: loaded.store, logger: logger),
                    ]
                        + (notifier.map { [NotifierService(notifier: $0, logger: logger)] } ?? [])
                        + [RunControllerService(controller: controller, schedules: loaded.server.schedules), app, TapCloserService(taps: taps)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            do {
                try await group.run()
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                throw ServeError(
                    "cannot listen on \(loaded.server.host):\(loaded.server.port): the address is already in use "
                        + "(another process listens there); choose another port with server.port in \(loaded.file) (or PORT)")
            } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
                throw ServeError(
                    "cannot listen on \(loaded.server.host):\(loaded.server.port): this machine has no such address; "
                        + "check server.host in \(loaded.file) (or HOST)")
            }
            logger.info("stopped")
        }
    }
}

/// The service could not start, with what to change.
struct ServeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
