import ETLFramework

/// The PostgreSQL store module: registers `store: {type: postgres}` with the host.
public enum ETLPostgresStore {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            StoreRegistration(
                type: "postgres",
                summary: "PostgreSQL (NUMERIC money, one transaction per batch, advisory run locks)",
                config: PostgresStoreConfig.spec
            ) { config in
                let url: DatabaseURL
                do {
                    url = try DatabaseURL(parsing: config[PostgresStoreConfig.url])
                } catch let error as DatabaseURLError {
                    throw config.diagnostic(key: "url", error.description)
                }
                let deadline = config[PostgresStoreConfig.callTimeout].duration
                var readURLs: [DatabaseURL] = []
                for (index, text) in config[PostgresStoreConfig.readURLs].enumerated() {
                    do {
                        readURLs.append(try DatabaseURL(parsing: text))
                    } catch let error as DatabaseURLError {
                        throw config.diagnostic(key: "read_urls", "read_urls[\(index)]: \(error.description)")
                    }
                }
                let maxLag = config[PostgresStoreConfig.maxLag].duration
                return PostgresStore(
                    url: url, logger: config.context.logger, callDeadline: deadline, retention: RetentionPolicy(config[RetentionPolicy.key]),
                    readURLs: readURLs, maxLag: maxLag)
            })
    }
}

/// The keys of a `type: postgres` store block.
enum PostgresStoreConfig {
    static let url = ConfigKey.required(
        "url", String.self, "postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require]")
    static let callTimeout = ConfigKey(
        "call_timeout", default: ConfigDuration.seconds(15), allowed: .atLeast(ConfigDuration.seconds(1)),
        "longest one database call of a run may take (a batch write included) before the run fails as the database is lost or stalled")
    static let readURLs = ConfigKey(
        "read_urls", default: [String](),
        "streaming replicas of url: the API's reads are spread over those that answer and are within max_lag; writes, run locks and checkpoints stay on url"
    )
    static let maxLag = ConfigKey(
        "max_lag", default: ConfigDuration.seconds(30), allowed: .atLeast(ConfigDuration.seconds(1)),
        "a replica further behind the primary than this is skipped until it catches up")

    static let spec = ConfigSpec(url, callTimeout, readURLs, maxLag, RetentionPolicy.key)
}
