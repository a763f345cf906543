import ETLFramework

/// `dedupe: { key: [field, ...] }`: keeps the first record of each key within a run; later ones are
/// filtered (counted, not quarantined).
struct DedupeStep: Transformer {
    let key: [String]
    /// The keys seen so far in this run.
    var seen: Set<[String]> = []

    struct Settings: Decodable {
        var key: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case key
        }
    }

    static let registration = TransformRegistration(
        type: "dedupe", summary: "Keeps the first record of each key in a run: { key: [symbol, created_at] }",
        keys: [ConfigKeyDoc("key", "list", required: true, "the fields that together identify a record")]
    ) { config in
        let settings = try config.decode(Settings.self)
        guard !settings.key.isEmpty else { throw config.diagnostic(key: "key", "key needs at least one field") }
        return .records(DedupeStep(key: settings.key))
    }

    mutating func transform(_ records: [ChainRecord]) -> StepOutput {
        var output = StepOutput()
        output.records.reserveCapacity(records.count)
        for record in records {
            let values = key.map { record.value(at: $0)?.jsonText ?? "null" }
            if seen.insert(values).inserted {
                output.records.append(record)
            } else {
                output.filtered += 1
            }
        }
        return output
    }

    func checkFields(_ available: [String]) -> FieldCheck {
        FieldCheck(report: FieldReport(errors: FieldNames.missing(key, in: available, role: "dedupe key")), fields: available)
    }
}
