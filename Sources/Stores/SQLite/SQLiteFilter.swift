import ETLFramework
import SQLiteNIO

/// A WHERE clause of optional conditions and its binds (the SQLite side of `SQLBuilder.condition`):
/// fixed SQL text, every value a bind.
struct SQLiteFilter {
    private(set) var sql: String
    private(set) var binds: [SQLiteData]

    init(_ sql: String, binds: [SQLiteData] = []) {
        self.sql = sql
        self.binds = binds
    }

    /// Appends `clause` (ending in `?`) with `value`, when there is a value.
    mutating func condition(_ clause: String, _ value: SQLiteData?) {
        guard let value else { return }
        sql += clause
        binds.append(value)
    }

    /// A time condition: times are stored as REAL Unix seconds.
    mutating func condition(_ clause: String, _ time: Timestamp?) {
        condition(clause, time.map { .float($0.secondsSince1970) })
    }
}
