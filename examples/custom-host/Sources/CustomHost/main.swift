import ETLHost
import ExamplePlugins
import StandardPlugins

// snippet: custom-host-main
var plugins = StandardPlugins.registry
ExamplePlugins.register(into: &plugins)
await ETLHost.main(plugins: plugins)
// end-snippet
