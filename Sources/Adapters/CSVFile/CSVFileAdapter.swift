import ETLFramework

/// The CSV file adapter: registers `type: csv` with the host.
public enum CSVFileAdapter {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(SourceRegistration(
            type: CSVCheckpointState.kind,
            summary: "Rows of a local CSV file (RFC 4180), resumed where the last run stopped",
            keys: CSVSourceConfig.documentation
        ) { config in
            let settings = try config.decode(CSVSourceConfig.self)
            guard !settings.path.isEmpty else { throw config.diagnostic(key: "path", "path must not be empty") }
            return CSVSource(
                path: config.context.resolve(path: settings.path), displayPath: settings.path,
                mapping: settings.mapping)
        })
    }
}
