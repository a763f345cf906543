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
}
