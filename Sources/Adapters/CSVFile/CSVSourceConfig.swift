import ETLFramework

/// The keys of a `type: csv` source block.
package struct CSVSourceConfig: Sendable, Decodable {
    /// The file to read, relative to the pipeline file's directory.
    package var path: String
    /// Column names mapped to unified fields, over the default (the spec's column names).
    package var mapping: FieldMapping?
    /// Column names replacing the file's header line.
    package var header: [String]?
    /// Whether the first line is a header line (default true); false needs `header`.
    package var headerRow: Bool?
    /// Columns left out of every record.
    package var skipColumns: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, mapping, header
        case headerRow = "header_row"
        case skipColumns = "skip_columns"
    }

    /// The column settings of this block.
    var columns: CSVColumns {
        CSVColumns(names: header, headerRow: headerRow ?? true, skip: skipColumns ?? [])
    }

    static let documentation: [ConfigKeyDoc] = [
        ConfigKeyDoc("path", "string", required: true, "CSV file to read (relative to the pipeline file)"),
        ConfigKeyDoc(
            "mapping", "map",
            "unified field -> column name, over the default columns "
                + "symbol, name, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, created_at"),
        ConfigKeyDoc("header", "list", "column names to use instead of the file's header line (unnamed columns are column_1, ...)"),
        ConfigKeyDoc("header_row", "boolean", "whether the first line is a header line (default true; false needs header)"),
        ConfigKeyDoc("skip_columns", "list", "columns to leave out of every record (e.g. an index column, column_1)"),
    ]
}
