import ETLFramework
import Hummingbird
import Logging
import ServiceLifecycle

/// `host run FILE`: the long-running service. One service group: change watcher, run controller,
/// HTTP server; shut down in reverse order on SIGTERM/SIGINT, so the API stops first, then running
/// pipelines stop at a batch boundary, then the database connections close.
enum Serve {
    static func run(_ loaded: LoadedPipelineFile, logger: Logger) async throws {
        HostMetrics.bootstrap()
        try await withStore(loaded.store, logger: logger) { _ in
            let controller = RunController(
                runner: PipelineRunner(store: loaded.store), pipelines: loaded.pipelines, logger: logger)
            let api = API(store: loaded.store, controller: controller, settings: loaded.server, logger: logger)
            let app = Application(
                router: api.router(),
                configuration: .init(address: .hostname(loaded.server.host, port: loaded.server.port), serverName: "kasparro-etl"),
                onServerRunning: { channel in
                    logger.info("serving", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
                },
                logger: logger)
            let group = ServiceGroup(configuration: .init(
                services: [
                    ChangeWatcherService(store: loaded.store, cache: api.cache, logger: logger),
                    RunControllerService(controller: controller),
                    app,
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
            try await group.run()
            logger.info("stopped")
        }
    }
}
