import CSVFileAdapter
import CoinGeckoAdapter
import CoinPaprikaAdapter
import ETLFramework
import HTTPJSONAdapter
import PostgresSink
import SQLiteSink

/// The one list of plugins: every adapter and store module the host offers.
///
/// Adding a source is a new module under `Sources/Adapters/` and one line here.
enum Plugins {
    static let registry: ComponentRegistry = {
        var registry = ComponentRegistry()
        CSVFileAdapter.register(into: &registry)
        CoinPaprikaAdapter.register(into: &registry)
        CoinGeckoAdapter.register(into: &registry)
        HTTPJSONAdapter.register(into: &registry)
        PostgresSink.register(into: &registry)
        SQLiteSink.register(into: &registry)
        return registry
    }()
}
