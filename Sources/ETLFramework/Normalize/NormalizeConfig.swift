/// Settings of the normalization transformer (`transform: {normalize: {...}}` in `pipelines.yaml`).
public struct NormalizeConfig: Sendable, Decodable, Hashable {
    /// Overrides of the source's field mapping.
    public var mapping: FieldMapping?
    /// Ticker aliases applied after upper-casing (`XBT: BTC`).
    public var aliases: [String: String]?
    /// Format of `observed_at` when it is not ISO 8601 or epoch seconds, e.g. `dd-MM-yy HH:mm` (UTC).
    public var timestampFormat: String?
    /// Source fields that must hold plain decimal numbers when present; a record where one does not
    /// is quarantined even though the field is not mapped.
    public var numericFields: [String]?

    public init(
        mapping: FieldMapping? = nil, aliases: [String: String]? = nil, timestampFormat: String? = nil,
        numericFields: [String]? = nil
    ) {
        self.mapping = mapping
        self.aliases = aliases
        self.timestampFormat = timestampFormat
        self.numericFields = numericFields
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mapping, aliases
        case timestampFormat = "timestamp_format"
        case numericFields = "numeric_fields"
    }

    /// The keys of a `normalize:` step.
    public enum Keys {
        public static let mapping = ConfigKey.optional(
            "mapping", FieldMapping.self, "unified field -> source field (dotted path), over the source's defaults")
        public static let aliases = ConfigKey.optional("aliases", [String: String].self, "ticker aliases applied after upper-casing (XBT: BTC)")
        public static let timestampFormat = ConfigKey.optional(
            "timestamp_format", String.self, allowed: .check("a date format pattern", message: TimestampParser.problem(withFormat:)),
            "format of observed_at when not ISO 8601 or epoch seconds (dd-MM-yy HH:mm), read as UTC")
        public static let numericFields = ConfigKey.optional(
            "numeric_fields", [String].self, "source fields that must hold plain decimals when present (the record is quarantined otherwise)")
    }

    /// The configuration of a `normalize:` step.
    public static let spec = ConfigSpec(Keys.mapping, Keys.aliases, Keys.timestampFormat, Keys.numericFields)
}
