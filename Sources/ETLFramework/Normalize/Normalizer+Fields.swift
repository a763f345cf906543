extension Normalizer {
    /// Checks the mapping against the fields the data has. A name the pipeline file gave that the
    /// data lacks is an error naming the key, the missing field and the nearest existing one; so is a
    /// missing default for a required field (ticker, price). A missing default for any other field,
    /// and an observed-at taken from the receipt time, are notes.
    public func fieldReport(available: [String], receiptTime: String) -> FieldReport {
        var report = FieldReport()
        let present = Set(available)
        let required: Set<UnifiedField> = [.ticker, .priceUSD]
        for field in UnifiedField.allCases {
            guard let path = mapping[field] else {
                if required.contains(field) {
                    report.errors.append("nothing is mapped to \(field.rawValue); add mapping key \(field.rawValue)")
                } else if field == .observedAt {
                    report.notes.append("no field is mapped to observed_at: every record is stamped with \(receiptTime)")
                }
                continue
            }
            guard !present.contains(path) else { continue }
            if mapping.configured.contains(field) || required.contains(field) {
                let nearest = Suggestion.closest(to: path, in: available).map { " (nearest: \"\($0)\")" } ?? ""
                let origin = mapping.configured.contains(field) ? "mapping key \(field.rawValue)" : "\(field.rawValue) (by default)"
                report.errors.append(
                    "\(origin) names \"\(path)\", which the data does not have\(nearest); it has: \(Self.list(available))")
                continue
            }
            let nearest = Suggestion.nearest(to: path, in: available).map { " (nearest: \"\($0)\")" } ?? ""
            if field == .observedAt {
                report.notes.append("the data has no \"\(path)\" for observed_at\(nearest): every record is stamped with \(receiptTime)")
            } else {
                report.notes.append("the data has no \"\(path)\" for \(field.rawValue)\(nearest): left empty")
            }
        }
        return report
    }

    static func list(_ names: [String]) -> String {
        let shown = names.prefix(15).joined(separator: ", ")
        return names.count > 15 ? shown + ", ... (\(names.count) in all)" : shown
    }
}
