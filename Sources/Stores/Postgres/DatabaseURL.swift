import Foundation
import PostgresNIO

/// A PostgreSQL connection URL: `postgres://user:password@host:5432/db?sslmode=disable`.
///
/// Also accepts `postgresql://` and the `postgresql+asyncpg://` form of the original service, and
/// `?host=/path/to/socket-dir` for Unix sockets. The password never appears in ``description``.
package struct DatabaseURL: Sendable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String?
    package var socketDirectory: String?
    package var sslMode: SSLMode

    /// How TLS is used.
    package enum SSLMode: String, Sendable {
        case disable, prefer, require
    }

    package init(parsing text: String) throws(DatabaseURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw DatabaseURLError(reason: "is not a URL")
        }
        guard ["postgres", "postgresql"].contains(scheme) || scheme.hasPrefix("postgresql+") || scheme.hasPrefix("postgres+")
        else {
            throw DatabaseURLError(reason: "scheme \"\(scheme)\" is not postgres:// or postgresql://")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? query["host"] ?? "localhost"
        port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }) ?? query["user"],
            !user.isEmpty
        else {
            throw DatabaseURLError(reason: "names no user (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        username = user
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding } ?? query["password"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        let mode = query["sslmode"] ?? "prefer"
        switch mode {
        case "disable", "allow": sslMode = .disable
        case "prefer": sslMode = .prefer
        case "require", "verify-ca", "verify-full": sslMode = .require
        default: throw DatabaseURLError(reason: "sslmode \"\(mode)\" is not disable, prefer or require")
        }
    }

    /// The URL without its password.
    package var description: String {
        let credentials = password == nil ? username : "\(username):<redacted>"
        let location = socketDirectory.map { "?host=\($0)" } ?? ""
        return "postgres://\(credentials)@\(host):\(port)/\(database ?? "")\(location)"
    }

    /// The configuration of a single connection to this URL (used to probe the server).
    package func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS =
                switch sslMode {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Self.connectTimeoutSeconds)
        return configuration
    }

    /// The pool configuration for this URL.
    package func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch sslMode {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Self.connectTimeoutSeconds)
        configuration.options.maximumConnections = 16
        return configuration
    }

    static let connectTimeoutSeconds: Int64 = 10

    var socketPath: String? {
        socketDirectory.map { "\($0)/.s.PGSQL.\(port)" }
    }
}

/// A database URL that cannot be used, and why (the URL itself is never repeated: it may hold a password).
package struct DatabaseURLError: Error, Sendable, CustomStringConvertible {
    package var reason: String
    package var description: String { "database URL \(reason)" }
}
