import ETLFramework

/// How a CSV file's columns are named and which are kept: the file's header line (unnamed columns
/// become `column_N` by 1-based position), or names given in the pipeline file instead, less the
/// columns to skip.
package struct CSVColumns: Sendable, Hashable {
    /// Names replacing the file's header (`header:`).
    package var names: [String]?
    /// Whether the file's first line is a header line (`header_row:`, default true).
    package var headerRow: Bool
    /// Columns left out of every record (`skip_columns:`).
    package var skip: [String]

    package init(names: [String]? = nil, headerRow: Bool = true, skip: [String] = []) {
        self.names = names
        self.headerRow = headerRow
        self.skip = skip
    }

    /// The column names to use, given the file's header line (`nil` when the file has none).
    func header(fromFile fields: [String]?) throws(CSVColumnProblem) -> [String] {
        if let names {
            if let fields, fields.count != names.count {
                throw CSVColumnProblem("header: names \(names.count) columns, the file's header line has \(fields.count)")
            }
            return names
        }
        guard let fields else { throw CSVColumnProblem("the file has no header line; name its columns with header:") }
        var seen: [String: Int] = [:]
        var header: [String] = []
        for (index, field) in fields.enumerated() {
            let trimmed = field.trimmingCharacters(in: .whitespaces)
            let name = trimmed.isEmpty ? "column_\(index + 1)" : trimmed
            if let first = seen[name] {
                throw CSVColumnProblem(
                    "header names column \"\(name)\" twice (columns \(first + 1) and \(index + 1)); name the columns with header:")
            }
            seen[name] = index
            header.append(name)
        }
        return header
    }

    /// Positions of the columns kept, checking that every skipped name is a column.
    func kept(in header: [String]) throws(CSVColumnProblem) -> [Int] {
        for name in skip where !header.contains(name) {
            let nearest = Suggestion.closest(to: name, in: header).map { " (nearest: \"\($0)\")" } ?? ""
            throw CSVColumnProblem("skip_columns names \"\(name)\", which is not a column\(nearest); columns: \(header.joined(separator: ", "))")
        }
        let skipped = Set(skip)
        return header.indices.filter { !skipped.contains(header[$0]) }
    }
}

/// A mistake in how a CSV file's columns are named or skipped.
struct CSVColumnProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
