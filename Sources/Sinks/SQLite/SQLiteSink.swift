import ETLFramework

/// The embedded store module: registers `store: {type: sqlite, path: ...}` with the host.
public enum SQLiteSink {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(StoreRegistration(
            type: "sqlite",
            summary: "SQLite file in WAL mode (embedded; one host process owns it)",
            keys: [ConfigKeyDoc("path", "string", required: true, "the database file (relative to the pipeline file); its folder is created")]
        ) { config in
            let settings = try config.decode(SQLiteStoreConfig.self)
            guard !settings.path.isEmpty else { throw config.diagnostic(key: "path", "path must not be empty") }
            return SQLiteStore(path: config.context.resolve(path: settings.path))
        })
    }
}

/// The keys of a `type: sqlite` store block.
struct SQLiteStoreConfig: Decodable {
    var path: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path
    }
}
