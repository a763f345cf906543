/// Registers the normalizer as the `normalize` transform: the last step of every chain (added when
/// a pipeline's `transform:` does not end with it).
public enum NormalizeTransform {
    public static let type = "normalize"

    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            TransformRegistration(
                type: type,
                summary: "Maps fields to the unified schema, unifies tickers, parses exact decimals and validates every value",
                config: NormalizeConfig.spec
            ) { config in
                let format = config[NormalizeConfig.Keys.timestampFormat]
                let settings = NormalizeConfig(
                    mapping: config[NormalizeConfig.Keys.mapping], aliases: config[NormalizeConfig.Keys.aliases], timestampFormat: format,
                    numericFields: config[NormalizeConfig.Keys.numericFields])
                let source = config.context.source ?? NormalizerDefaults(mapping: FieldMapping(), typedValues: false)
                return .normalizer(Normalizer(mapping: source.mapping, config: settings, typedValues: source.typedValues))
            })
    }
}
