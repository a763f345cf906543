import ETLFramework

/// `set: { field: expression, ... }`: gives fields the value of an expression, in the order written
/// (each sees the fields set before it). A record where an expression fails (text where a number is
/// needed, a division by zero) is quarantined with the field and the reason.
struct SetStep: Transformer {
    struct Assignment: Sendable {
        var field: String
        var text: String
        var expression: Expression
    }

    let assignments: [Assignment]

    static let registration = TransformRegistration(
        type: "set", summary: "Sets fields to expressions: { price_usd: \"price_cents / 100\", name: \"trim(name)\" }",
        config: .value(
            ConfigKey.required(
                "assignments", [String: String].self, allowed: .notEmpty,
                "field -> expression computing its new value from the record, applied in the order written"))
    ) { config in
        var problems = ConfigProblems()
        let pairs = try config.orderedScalars("field -> expression")
        let assignments = pairs.compactMap { pair in
            problems.attempt { Assignment(field: pair.key, text: pair.value, expression: try config.expression(at: pair.node)) }
        }
        try problems.throwIfAny()
        return .records(SetStep(assignments: assignments))
    }

    func transform(_ records: [ChainRecord]) -> StepOutput {
        var output = StepOutput()
        output.records.reserveCapacity(records.count)
        records: for var record in records {
            for assignment in assignments {
                do {
                    record.set(assignment.field, to: try assignment.expression.evaluate(in: record.payload).rawValue)
                } catch {
                    output.rejections.append(
                        RecordRejection(
                            origin: record.origin, field: error.field ?? assignment.field,
                            reason: "\(assignment.field) = \(assignment.text): \(error.message)"))
                    continue records
                }
            }
            output.records.append(record)
        }
        return output
    }

    func checkFields(_ available: [String]) -> FieldCheck {
        var fields = available
        var errors: [String] = []
        for assignment in assignments {
            errors += FieldNames.missing(assignment.expression.fieldNames, in: fields, role: "read by \(assignment.field)")
            if !fields.contains(assignment.field) { fields.append(assignment.field) }
        }
        return FieldCheck(report: FieldReport(errors: errors), fields: fields)
    }
}
