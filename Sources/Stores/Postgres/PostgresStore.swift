import ETLFramework
import Logging
import PostgresNIO

/// The PostgreSQL store: sink, checkpoint store and run log over one connection pool.
///
/// Every batch is written in one transaction (see ``write(_:logger:)``); runs of one pipeline are
/// serialized across processes with a session advisory lock. ``run()`` must be running for queries.
package struct PostgresStore: Store {
    /// The primary's pool (replaced by a fresh one when it lags behind a recovered server).
    package var client: PostgresClient { primary.current }
    let primary: PrimaryPool
    package let url: DatabaseURL
    /// The longest one call of a run may take before the server counts as lost or stalled.
    package let callDeadline: Duration?
    /// How long observations and raw payloads are kept (see ``maintain(now:logger:)``).
    package let retention: RetentionPolicy
    let knownPartitions = KnownPartitions()
    /// What this process's runs stored, to publish at their ends (see ``LatestPublication``).
    let runAssets = RunAssets()
    /// A run that stores at least this many new observations ends with a vacuum of the tables the
    /// API reads (see ``settle(after:logger:)``).
    package let settleAfterRows: Int
    /// The streaming replicas the API's reads go to (`read_urls`), if any.
    let readReplicas: ReadReplicas?
    let logger: Logger

    package static let defaultCallDeadline = PostgresStoreConfig.callTimeout.defaultValue!.duration
    package static let defaultMaxLag = PostgresStoreConfig.maxLag.defaultValue!.duration

    package init(
        url: DatabaseURL, logger: Logger, callDeadline: Duration = Self.defaultCallDeadline, retention: RetentionPolicy = RetentionPolicy(),
        readURLs: [DatabaseURL] = [], maxLag: Duration = Self.defaultMaxLag, settleAfterRows: Int = 100_000
    ) {
        self.url = url
        self.settleAfterRows = settleAfterRows
        self.callDeadline = callDeadline
        self.retention = retention
        self.logger = logger
        self.primary = PrimaryPool(configuration: url.clientConfiguration(), logger: logger)
        self.readReplicas =
            readURLs.isEmpty
            ? nil
            : ReadReplicas(
                members: readURLs.map {
                    ReadReplicas.Member(
                        name: "\($0.host):\($0.port)", client: PostgresClient(configuration: $0.clientConfiguration(), backgroundLogger: logger))
                },
                maxLag: maxLag)
    }

    package func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await primary.run() }
            if let replicas = readReplicas {
                for member in replicas.members { group.addTask { await member.client.run() } }
                group.addTask { await monitorReplicas(replicas, logger: logger) }
            }
        }
    }

    /// Opens and closes one connection, so that an unreachable server or bad credentials fail at once
    /// with a clear reason (the pool would retry quietly).
    package func probe(logger: Logger) async throws {
        do {
            try await connectOnce(logger: logger)
        } catch {
            throw PostgresStoreError.wrap(error, while: "connecting to \(url)")
        }
    }

    /// Opens and closes one connection outside the pool; throws the driver's own error.
    func connectOnce(connectTimeout: Duration? = nil, logger: Logger) async throws {
        var configuration = try url.connectionConfiguration()
        if let connectTimeout { configuration.options.connectTimeout = .init(connectTimeout) }
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }
}

/// A database operation failed; carries what was being done and the server's reason.
package struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    package var operation: String
    package var reason: String
    /// The database could not be reached (see ``PostgresStore/isUnreachable(_:)``).
    package var unreachable = false

    package var description: String { "database error while \(operation): \(reason)" }

    /// Wraps `error` with its SQL state and message (never the query text or bound values).
    static func wrap(_ error: any Error, while operation: String) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        var wrapped = wrapping(error, while: operation)
        wrapped.unreachable = PostgresStore.connectionLost(error)
        return wrapped
    }

    private static func wrapping(_ error: any Error, while operation: String) -> PostgresStoreError {
        if let psql = unwrapped(error) as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let state = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return PostgresStoreError(operation: operation, reason: message + state)
            }
            if let underlying = psql.underlying {
                return PostgresStoreError(operation: operation, reason: "\(psql.code): \(underlying)")
            }
            return PostgresStoreError(operation: operation, reason: "\(psql.code)")
        }
        return PostgresStoreError(operation: operation, reason: "\(error)")
    }
}

extension PostgresStoreError {
    /// The error a transaction's statement (or its begin or commit) raised, rather than the
    /// transaction's wrapper around it; any other error as it is.
    static func unwrapped(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError else { return error }
        return transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? error
    }
}
