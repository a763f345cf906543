import ETLFramework

/// The keys of a `type: csv` source block.
public struct CSVSourceConfig: Sendable, Decodable {
    /// The file to read, relative to the pipeline file's directory.
    public var path: String
    /// Column names mapped to unified fields, over the default (the spec's column names).
    public var mapping: FieldMapping?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, mapping
    }

    static let documentation: [ConfigKeyDoc] = [
        ConfigKeyDoc("path", "string", required: true, "CSV file to read (relative to the pipeline file)"),
        ConfigKeyDoc("mapping", "map", "unified field -> column name, over the default columns "
            + "symbol, name, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, created_at"),
    ]
}
