import ETLFramework

/// The embedded store module: registers `store: {type: sqlite, path: ...}` with the host.
public enum ETLSQLiteStore {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            StoreRegistration(
                type: "sqlite",
                summary: "SQLite file in WAL mode (embedded; one host process owns it)",
                config: SQLiteStoreConfig.spec
            ) { config in
                let path: String
                let retention = RetentionPolicy(config[RetentionPolicy.key])
                switch (config[SQLiteStoreConfig.path], config[SQLiteStoreConfig.url]) {
                case (let path?, nil):
                    guard !path.isEmpty else { throw config.diagnostic(key: "path", "path must not be empty") }
                    return SQLiteStore(path: config.context.resolve(path: path), retention: retention)
                case (nil, let url?):
                    guard url.lowercased().hasPrefix("sqlite:"), url.count > 7 else {
                        throw config.diagnostic(key: "url", "an SQLite url is sqlite:PATH, got \"\(url.prefix(60))\"")
                    }
                    path = String(url.dropFirst(7))
                default:
                    throw config.diagnostic(key: "path", "give either path or url (sqlite:PATH)")
                }
                return SQLiteStore(path: config.context.resolve(path: path), retention: retention)
            })
    }
}

/// The keys of a `type: sqlite` store block.
enum SQLiteStoreConfig {
    static let path = ConfigKey.optional("path", String.self, "the database file (relative to the pipeline file); its folder is created")
    static let url = ConfigKey.optional("url", String.self, "instead of path: sqlite:PATH (the type may then be left out)")

    static let spec = ConfigSpec(path, url, RetentionPolicy.key)
}
