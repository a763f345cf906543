import ETLFramework

/// The embedded store module: registers `store: {type: sqlite, path: ...}` with the host.
public enum ETLSQLiteStore {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            StoreRegistration(
                type: "sqlite",
                summary: "SQLite file in WAL mode (embedded; one host process owns it)",
                keys: [
                    ConfigKeyDoc("path", "string", "the database file (relative to the pipeline file); its folder is created"),
                    ConfigKeyDoc("url", "string", "instead of path: sqlite:PATH (the type may then be left out)"),
                    ConfigKeyDoc(
                        "retention", "mapping",
                        "history: DURATION and raw: DURATION (at least 1d): observations and raw payloads older than this are deleted at start and daily (default: kept forever)"
                    ),
                ]
            ) { config in
                let settings = try config.decode(SQLiteStoreConfig.self)
                let path: String
                switch (settings.path, settings.url) {
                case (let path?, nil):
                    guard !path.isEmpty else { throw config.diagnostic(key: "path", "path must not be empty") }
                    return SQLiteStore(path: config.context.resolve(path: path), retention: settings.retention ?? RetentionPolicy())
                case (nil, let url?):
                    guard url.lowercased().hasPrefix("sqlite:"), url.count > 7 else {
                        throw config.diagnostic(key: "url", "an SQLite url is sqlite:PATH, got \"\(url.prefix(60))\"")
                    }
                    path = String(url.dropFirst(7))
                default:
                    throw config.diagnostic(key: "path", "give either path or url (sqlite:PATH)")
                }
                return SQLiteStore(path: config.context.resolve(path: path), retention: settings.retention ?? RetentionPolicy())
            })
    }
}

/// The keys of a `type: sqlite` store block.
struct SQLiteStoreConfig: Decodable {
    var path: String?
    var url: String?
    var retention: RetentionPolicy?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, url, retention
    }
}
