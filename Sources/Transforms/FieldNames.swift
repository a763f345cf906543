import ETLFramework

/// Checks of the field names a step reads against those the records have before it.
enum FieldNames {
    /// An error for each name the records do not have, naming the nearest one.
    static func missing(_ names: [String], in available: [String], role: String) -> [String] {
        var reported = Set(available)  // present names, then also those already reported
        var errors: [String] = []
        for name in names where reported.insert(name).inserted {
            let nearest = Suggestion.closest(to: name, in: available).map { " (nearest: \"\($0)\")" } ?? ""
            errors.append("\"\(name)\" (\(role)) is not a field of the data\(nearest)")
        }
        return errors
    }

    /// `available` without `name` and the paths under it.
    static func removing(_ name: String, from available: [String]) -> [String] {
        available.filter { $0 != name && !$0.hasPrefix(name + ".") }
    }
}
