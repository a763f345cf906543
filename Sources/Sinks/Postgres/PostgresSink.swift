import ETLFramework

/// The PostgreSQL store module: registers `store: {type: postgres}` with the host.
package enum PostgresSink {
    package static func register(into registry: inout ComponentRegistry) {
        registry.register(
            StoreRegistration(
                type: "postgres",
                summary: "PostgreSQL (NUMERIC money, one transaction per batch, advisory run locks)",
                keys: [
                    ConfigKeyDoc("url", "string", required: true, "postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require]"),
                    ConfigKeyDoc(
                        "call_timeout", "duration",
                        "longest one database call of a run may take (a batch write included) before the run fails as the database is lost or stalled (default 15s)"
                    ),
                    ConfigKeyDoc(
                        "retention", "mapping",
                        "history: DURATION and raw: DURATION (at least 1d): observations and raw payloads older than this are dropped, a whole month partition at a time, at start and daily (default: kept forever)"
                    ),
                ]
            ) { config in
                let settings = try config.decode(PostgresStoreConfig.self)
                let url: DatabaseURL
                do {
                    url = try DatabaseURL(parsing: settings.url)
                } catch let error as DatabaseURLError {
                    throw config.diagnostic(key: "url", error.description)
                }
                let deadline = settings.callTimeout?.duration ?? PostgresStore.defaultCallDeadline
                guard deadline >= .seconds(1) else { throw config.diagnostic(key: "call_timeout", "call_timeout must be at least 1s") }
                return PostgresStore(
                    url: url, logger: config.context.logger, callDeadline: deadline, retention: settings.retention ?? RetentionPolicy())
            })
    }
}

/// The keys of a `type: postgres` store block.
struct PostgresStoreConfig: Decodable {
    var url: String
    var callTimeout: ConfigDuration?
    var retention: RetentionPolicy?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, retention
        case callTimeout = "call_timeout"
    }
}
