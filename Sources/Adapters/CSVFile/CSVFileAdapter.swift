import ETLFramework

/// The CSV file adapter: registers `type: csv` with the host.
public enum CSVFileAdapter {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            SourceRegistration(
                type: CSVCheckpointState.kind,
                summary: "Rows of a local CSV file (RFC 4180), resumed where the last run stopped",
                config: CSVSourceConfig.spec
            ) { config in
                let path = config[CSVSourceConfig.path], headerRow = config[CSVSourceConfig.headerRow]
                if !headerRow, config[CSVSourceConfig.header] == nil {
                    throw config.diagnostic(key: "header_row", "header_row: false needs header: to name the columns")
                }
                if let header = config[CSVSourceConfig.header] {
                    if let empty = header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                        throw config.diagnostic(key: "header", "header names no column at position \(empty + 1)")
                    }
                    if let twice = header.first(where: { name in header.filter { $0 == name }.count > 1 }) {
                        throw config.diagnostic(key: "header", "header names column \"\(twice)\" twice")
                    }
                }
                let columns = CSVColumns(names: config[CSVSourceConfig.header], headerRow: headerRow, skip: config[CSVSourceConfig.skipColumns])
                let source = CSVSource(path: config.context.resolve(path: path), displayPath: path, columns: columns)
                let mapping = CSVSource.defaultMapping.overridden(by: config[CSVSourceConfig.mapping])
                return SourceSetup(source: source, defaults: NormalizerDefaults(mapping: mapping, typedValues: false))
            })
    }
}
