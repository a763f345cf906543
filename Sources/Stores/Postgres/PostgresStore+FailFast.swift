import ETLFramework
import Logging
import PostgresNIO

extension PostgresStore {
    /// Runs `body`, and fails it as soon as the server is known to be gone: from ``downCheckDelay``
    /// on, a direct connection is tried every ``downCheckInterval``, and when one is refused (the
    /// server is down or shutting down) `body` fails with that reason instead of waiting for its
    /// deadline. (The pool queues a request while it cannot connect, for up to a minute, so a batch
    /// begun after a shutdown would otherwise wait its whole deadline.) A server that accepts the
    /// connection but does not answer (stalled) is left to the caller's deadline.
    func failingFastWhenDown<T: Sendable>(
        _ operation: String, logger: Logger, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await racing(body) {
            try? await Task.sleep(for: Self.downCheckDelay)
            while !Task.isCancelled {
                do {
                    try await connectOnce(connectTimeout: Self.downCheckInterval, logger: logger)
                } catch let error where Self.refused(error) {
                    var lost = PostgresStoreError.wrap(error, while: operation)
                    lost.reason = "the database cannot be reached (\(lost.reason))"
                    return lost
                } catch {}
                try? await Task.sleep(for: Self.downCheckInterval)
            }
            return CancellationError()
        }
    }

    /// Whether a connection attempt was refused outright (nothing listens, the server is shutting
    /// down or starting, or out of slots), as opposed to timed out (a stalled server).
    static func refused(_ error: any Error) -> Bool {
        guard connectionLost(error) else { return false }
        if let psql = PostgresStoreError.unwrapped(error) as? PSQLError, let channel = psql.underlying as? ChannelError,
            case .connectTimeout = channel
        {
            return false
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return false }
        return true
    }

    static let downCheckDelay: Duration = .milliseconds(500)
    static let downCheckInterval: Duration = .seconds(1)
}
