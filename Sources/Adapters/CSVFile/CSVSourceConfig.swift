import ETLFramework

/// The keys of a `type: csv` source block.
enum CSVSourceConfig {
    static let path = ConfigKey.required("path", String.self, allowed: .notEmpty, "CSV file to read (relative to the pipeline file)")
    static let mapping = ConfigKey.optional(
        "mapping", FieldMapping.self,
        "unified field -> column name, over the default columns "
            + "symbol, name, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, created_at")
    static let header = ConfigKey.optional(
        "header", [String].self, "column names to use instead of the file's header line (unnamed columns are column_1, ...)")
    static let headerRow = ConfigKey("header_row", default: true, "whether the first line is a header line (false needs header)")
    static let skipColumns = ConfigKey(
        "skip_columns", default: [String](), "columns to leave out of every record (e.g. an index column, column_1)")

    static let spec = ConfigSpec(path, mapping, header, headerRow, skipColumns)
}
