import ETLFramework

/// The whole `host` command as a library: `run` (with the REST API and run control), `validate`,
/// `test`, `reset`, `migrate`, `adapters` and `docs`, over the plugins it is given.
///
/// The `host` executable is this with ``StandardPlugins``; a program of your own adds its plugins:
///
/// ```swift
/// var plugins = StandardPlugins.registry
/// MyExchangeAdapter.register(into: &plugins)
/// await ETLHost.main(plugins: plugins)
/// ```
public enum ETLHost {
    /// The plugins of the command being run.
    @TaskLocal static var plugins = ComponentRegistry()

    /// Parses `arguments` (the process's own when `nil`) and runs the command they name with
    /// `plugins`. A command that fails, or a mistake in the arguments, exits the process with its
    /// status (printing the problem); one that succeeds returns.
    public static func main(plugins: ComponentRegistry, arguments: [String]? = nil) async {
        await $plugins.withValue(plugins) {
            await HostCommand.main(arguments)
        }
    }
}
