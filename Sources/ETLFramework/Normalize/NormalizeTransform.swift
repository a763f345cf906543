/// Registers the normalizer as the `normalize` transform: the last step of every chain (added when
/// a pipeline's `transform:` does not end with it).
public enum NormalizeTransform {
    public static let type = "normalize"

    public static func register(into registry: inout ComponentRegistry) {
        registry.register(
            TransformRegistration(
                type: type,
                summary: "Maps fields to the unified schema, unifies tickers, parses exact decimals and validates every value",
                keys: [
                    ConfigKeyDoc("mapping", "map", "unified field -> source field (dotted path), over the source's defaults"),
                    ConfigKeyDoc("aliases", "map", "ticker aliases applied after upper-casing (XBT: BTC)"),
                    ConfigKeyDoc("timestamp_format", "string", "format of observed_at when not ISO 8601 or epoch seconds (dd-MM-yy HH:mm)"),
                    ConfigKeyDoc("numeric_fields", "list", "source fields that must hold plain decimals when present"),
                ]
            ) { config in
                var settings = NormalizeConfig()
                if case .null = config.spec.node.kind {
                } else {
                    // Unknown keys are collected, so that the values are still checked in the same pass.
                    var problems = ConfigProblems()
                    let decoded = ConfigDecoder().decode(NormalizeConfig.self, from: config.spec.node, reportingTo: &problems)
                    if let format = decoded?.timestampFormat, let problem = TimestampParser.problem(withFormat: format) {
                        problems.append((config.spec.node["timestamp_format"] ?? config.spec.node).diagnostic(problem))
                    }
                    try problems.throwIfAny()
                    settings = decoded ?? settings
                }
                let source = config.context.source ?? NormalizerDefaults(mapping: FieldMapping(), typedValues: false)
                return .normalizer(Normalizer(mapping: source.mapping, config: settings, typedValues: source.typedValues))
            })
    }
}
