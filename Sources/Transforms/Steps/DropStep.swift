import ETLFramework

/// `drop: [name, ...]`: removes fields (dotted paths too).
struct DropStep: Transformer {
    let names: [String]

    static let registration = TransformRegistration(
        type: "drop", summary: "Removes fields: [name, ...]",
        keys: [ConfigKeyDoc("<list>", "list", "the names (or dotted paths) of the fields to remove")]
    ) { config in
        let names = try config.decode([String].self)
        guard !names.isEmpty else { throw ConfigErrors([config.spec.node.diagnostic("drop needs at least one field name")]) }
        return .records(DropStep(names: names))
    }

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
