import ETLFramework

/// The PostgreSQL store module: registers `store: {type: postgres}` with the host.
public enum PostgresSink {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(StoreRegistration(
            type: "postgres",
            summary: "PostgreSQL (NUMERIC money, one transaction per batch, advisory run locks)",
            keys: [ConfigKeyDoc("url", "string", required: true, "postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require]")]
        ) { config in
            let settings = try config.decode(PostgresStoreConfig.self)
            let url: DatabaseURL
            do {
                url = try DatabaseURL(parsing: settings.url)
            } catch let error as DatabaseURLError {
                throw config.diagnostic(key: "url", error.description)
            }
            return PostgresStore(url: url, logger: config.context.logger)
        })
    }
}

/// The keys of a `type: postgres` store block.
struct PostgresStoreConfig: Decodable {
    var url: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url
    }
}
