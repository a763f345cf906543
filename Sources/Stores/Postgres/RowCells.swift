import PostgresNIO

/// Reads a row's cells in order, each with a concrete type: pages decode many rows, and decoding a
/// long tuple at once costs generic metadata lookups on every row.
struct RowCells {
    private var cells: PostgresRow.Iterator
    let reading: String

    init(_ row: PostgresRow, reading: String) {
        cells = row.makeIterator()
        self.reading = reading
    }

    mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        guard let cell = cells.next() else { throw PostgresStoreError(operation: reading, reason: "its row has too few columns") }
        return try cell.decode(T.self)
    }
}
