import CSVFileAdapter
import CoinGeckoAdapter
import CoinPaprikaAdapter
import ETLFramework
import ETLPostgresStore
import ETLSQLiteStore
import HTTPJSONAdapter
import StandardTransforms

/// The plugins that come with the framework: the CSV, CoinPaprika, CoinGecko and HTTP JSON sources,
/// the normalizer and the standard transform steps, and the PostgreSQL and SQLite stores.
///
/// A host of your own starts from this list and registers its own plugins beside them:
///
/// ```swift
/// var plugins = StandardPlugins.registry
/// JSONLinesAdapter.register(into: &plugins)
/// await ETLHost.main(plugins: plugins)
/// ```
public enum StandardPlugins {
    /// Every standard plugin, registered.
    public static let registry: ComponentRegistry = {
        var registry = ComponentRegistry()
        register(into: &registry)
        return registry
    }()

    /// Registers every standard plugin into `registry`.
    public static func register(into registry: inout ComponentRegistry) {
        CSVFileAdapter.register(into: &registry)
        CoinPaprikaAdapter.register(into: &registry)
        CoinGeckoAdapter.register(into: &registry)
        HTTPJSONAdapter.register(into: &registry)
        NormalizeTransform.register(into: &registry)
        StandardTransforms.register(into: &registry)
        ETLPostgresStore.register(into: &registry)
        ETLSQLiteStore.register(into: &registry)
    }
}
