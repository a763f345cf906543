import CSVFileAdapter
import CoinGeckoAdapter
import CoinPaprikaAdapter
import ETLFramework
import HTTPJSONAdapter
import PostgresSink
import SQLiteSink
import StandardTransforms

/// The one list of plugins: every source, transform and store module the host offers. A library,
/// so that the `host` executable, the server and the tests reach the same list.
///
/// Adding a source, a transform or a store is a new module (under `Sources/Adapters/`,
/// `Sources/Transforms/` or `Sources/Sinks/`) and one line here.
package enum Plugins {
    package static let registry: ComponentRegistry = {
        var registry = ComponentRegistry()
        CSVFileAdapter.register(into: &registry)
        CoinPaprikaAdapter.register(into: &registry)
        CoinGeckoAdapter.register(into: &registry)
        HTTPJSONAdapter.register(into: &registry)
        NormalizeTransform.register(into: &registry)
        StandardTransforms.register(into: &registry)
        PostgresSink.register(into: &registry)
        SQLiteSink.register(into: &registry)
        return registry
    }()
}
