import ETLFramework

/// The PostgreSQL store module: registers `store: {type: postgres}` with the host.
public enum ETLPostgresStore {
    public static func register(into registry: inout ComponentRegistry) {
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
                        "read_urls", "list of strings",
                        "streaming replicas of url: the API's reads are spread over those that answer and are within max_lag; writes, run locks and checkpoints stay on url"
                    ),
                    ConfigKeyDoc(
                        "max_lag", "duration",
                        "a replica further behind the primary than this is skipped until it catches up (default 30s)"),
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
                var readURLs: [DatabaseURL] = []
                for (index, text) in (settings.readURLs ?? []).enumerated() {
                    do {
                        readURLs.append(try DatabaseURL(parsing: text))
                    } catch let error as DatabaseURLError {
                        throw config.diagnostic(key: "read_urls", "read_urls[\(index)]: \(error.description)")
                    }
                }
                let maxLag = settings.maxLag?.duration ?? PostgresStore.defaultMaxLag
                guard maxLag >= .seconds(1) else { throw config.diagnostic(key: "max_lag", "max_lag must be at least 1s") }
                return PostgresStore(
                    url: url, logger: config.context.logger, callDeadline: deadline, retention: settings.retention ?? RetentionPolicy(),
                    readURLs: readURLs, maxLag: maxLag)
            })
    }
}

/// The keys of a `type: postgres` store block.
struct PostgresStoreConfig: Decodable {
    var url: String
    var callTimeout: ConfigDuration?
    var retention: RetentionPolicy?
    var readURLs: [String]?
    var maxLag: ConfigDuration?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, retention
        case callTimeout = "call_timeout"
        case readURLs = "read_urls"
        case maxLag = "max_lag"
    }
}
