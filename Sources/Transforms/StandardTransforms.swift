import ETLFramework

/// The built-in transform steps: `rename`, `drop`, `set`, `filter` and `dedupe`. They register like
/// any third-party transform module: one `register(into:)`, called from the host's plugin list.
public enum StandardTransforms {
    public static func register(into registry: inout ComponentRegistry) {
        registry.register(RenameStep.registration)
        registry.register(DropStep.registration)
        registry.register(SetStep.registration)
        registry.register(FilterStep.registration)
        registry.register(DedupeStep.registration)
    }
}
