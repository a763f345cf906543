import ETLFramework

/// `drop: [name, ...]`: removes fields (dotted paths too).
struct DropStep: Transformer {
    let names: [String]

    static let registration = TransformRegistration(
        type: "drop", summary: "Removes fields: [name, ...]",
        config: .value(fields)
    ) { config in
        .records(DropStep(names: config[fields]))
    }

    /// `drop: [a, b]`: the list is the whole block.
    static let fields = ConfigKey.required("fields", [String].self, allowed: .notEmpty, "the names (or dotted paths) of the fields to remove")

    func transform(_ records: [ChainRecord]) -> StepOutput {
        StepOutput(
            records: records.map { record in
                var record = record
                for name in names { record.remove(name) }
                return record
            })
    }

    func checkFields(_ available: [String]) -> FieldCheck {
        let errors = FieldNames.missing(names, in: available, role: "dropped")
        return FieldCheck(report: FieldReport(errors: errors), fields: names.reduce(available) { FieldNames.removing($1, from: $0) })
    }
}
