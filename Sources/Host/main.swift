import ETLHost
import StandardPlugins

await ETLHost.main(plugins: StandardPlugins.registry)
