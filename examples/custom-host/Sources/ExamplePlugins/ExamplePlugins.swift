import ETLFramework

/// The plugins of this package: the `jsonl` source and the `uppercase` transform step.
public enum ExamplePlugins {
    /// Registers both plugins into `registry`, beside whatever it holds.
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(JSONLinesSource.registration)
        registry.register(UppercaseStep.registration)
    }
}
