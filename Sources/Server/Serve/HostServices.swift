import ETLFramework
import HostSupport
import Logging
import ServiceLifecycle

/// Keeps the response cache honest: drops it whenever the store reports a change, and reconnects
/// (dropping it again) when the notification connection is lost.
struct ChangeWatcherService: Service {
    let store: any Store
    let cache: ResponseCache
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.watchChanges(logger: logger) { cache.invalidate() }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("change notifications lost; reconnecting", metadata: ["error": "\(RunFailure.message(for: error))"])
                    cache.invalidate()
                    // Cancelled here means shutting down: the loop ends, it is no failure.
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}

/// Runs the pipelines' schedules and triggered runs; on SIGTERM/SIGINT asks them to stop at a batch
/// boundary and waits until they have.
struct RunControllerService: Service {
    let controller: RunController
    /// Whether the schedules run here (`server.schedules`).
    let schedules: Bool

    func run() async {
        await withGracefulShutdownHandler {
            await controller.run(schedules: schedules)
        } onGracefulShutdown: {
            controller.shutdown()
        }
    }
}

/// Delivers run notifications; on shutdown, once the runs have stopped, delivers what is queued
/// for up to ``drainGrace``.
struct NotifierService: Service {
    let notifier: WebhookNotifier
    let logger: Logger

    static let drainGrace: Duration = .seconds(5)

    func run() async {
        await withGracefulShutdownHandler {
            await notifier.run(logger: logger)
        } onGracefulShutdown: {
            notifier.finish(drainingFor: Self.drainGrace)
        }
    }
}

/// Repeats the store's maintenance pass (partitions ahead, retention) daily; the first pass ran at
/// start (see ``withStore(_:logger:_:)``). A failed pass is tried again after ``retryDelay``.
struct MaintenanceService: Service {
    let store: any Store
    let logger: Logger

    static let interval: Duration = .seconds(86_400)
    static let retryDelay: Duration = .seconds(300)

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var delay = Self.interval
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return  // shutting down
                }
                switch await Maintenance.run(store, logger: logger) {
                case .success: delay = Self.interval
                case .failure: delay = Self.retryDelay
                }
            }
        }
    }
}

/// Ends the taps' streams when the host shuts down; placed after the HTTP server, so that it runs
/// before the server waits for its open requests (a tap's stream would otherwise hold it).
struct TapCloserService: Service {
    let taps: TapHub

    func run() async {
        // Returns when the shutdown starts (or the task is cancelled).
        try? await gracefulShutdown()
        taps.closeAll()
    }
}
