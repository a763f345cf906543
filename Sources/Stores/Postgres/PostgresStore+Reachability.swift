import ETLFramework
import PostgresNIO
import _ConnectionPoolModule

extension PostgresStore {
    /// Whether `error` means the database cannot be reached now: the connection pool gave up
    /// creating connections (its circuit breaker), a connection was closed or failed, or the server
    /// is shutting down, starting, or out of connection slots (SQLSTATE class 08, 57P01-57P03, 53300).
    package func isUnreachable(_ error: any Error) -> Bool {
        Self.connectionLost(error)
    }

    static func connectionLost(_ error: any Error) -> Bool {
        if let error = error as? PostgresStoreError { return error.unreachable }
        let error = PostgresStoreError.unwrapped(error)
        if error is ConnectionPoolError { return true }
        guard let psql = error as? PSQLError else { return false }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            guard let state = psql.serverInfo?[.sqlState] else { return false }
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state)
        default:
            return false
        }
    }
}
