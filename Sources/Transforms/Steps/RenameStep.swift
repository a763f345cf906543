import ETLFramework

/// `rename: { old: new, ... }`: renames fields (a dotted path moves its value to a top-level name).
/// A field renamed onto an existing one replaces it.
struct RenameStep: Transformer {
    /// Old name -> new name, in the order written.
    let renames: [(from: String, to: String)]

    static let registration = TransformRegistration(
        type: "rename", summary: "Renames fields: { old_name: new_name, ... } (a dotted path moves a nested value up)",
        config: .value(
            ConfigKey.required("renames", [String: String].self, allowed: .notEmpty, "old name -> new name, applied in the order written"))
    ) { config in
        let pairs = try config.orderedScalars("old name -> new name")
        return .records(RenameStep(renames: pairs.map { ($0.key, $0.value) }))
    }

    func transform(_ records: [ChainRecord]) -> StepOutput {
        StepOutput(
            records: records.map { record in
                var record = record
                for (from, to) in renames { record.rename(from, to: to) }
                return record
            })
    }

    func checkFields(_ available: [String]) -> FieldCheck {
        var fields = available
        let errors = FieldNames.missing(renames.map(\.from), in: available, role: "renamed")
        var notes: [String] = []
        for (from, to) in renames where fields.contains(from) {
            if fields.contains(to) { notes.append("renaming \"\(from)\" to \"\(to)\" replaces the existing field \"\(to)\"") }
            let moved = fields.filter { $0.hasPrefix(from + ".") }.map { to + $0.dropFirst(from.count) }
            fields = FieldNames.removing(to, from: FieldNames.removing(from, from: fields)) + [to] + moved
        }
        return FieldCheck(report: FieldReport(errors: errors, notes: notes), fields: fields)
    }
}
