import ETLFramework

/// `filter: { where: condition }`: keeps the records for which the condition is true. A record for
/// which it is false or null is filtered (counted, not quarantined); one where it fails is
/// quarantined with the reason.
struct FilterStep: Transformer {
    let text: String
    let condition: Expression

    static let registration = TransformRegistration(
        type: "filter", summary: "Keeps the records a condition holds for: { where: \"price_usd > 1 and symbol != 'TEST'\" }",
        config: ConfigSpec(whereKey)
    ) { config in
        let text = config[whereKey]
        let condition = try config.expression(at: config.spec.node["where"]!)
        if !condition.mayBeCondition {
            throw config.diagnostic(key: "where", "where must be a condition (such as price_usd > 1), not a value: \"\(text)\"")
        }
        return .records(FilterStep(text: text, condition: condition))
    }

    /// `where:`, an expression.
    static let whereKey = ConfigKey.required("where", String.self, allowed: .notEmpty, "the condition; false or null filters the record out")

    func transform(_ records: [ChainRecord]) -> StepOutput {
        var output = StepOutput()
        output.records.reserveCapacity(records.count)
        for record in records {
            do {
                switch try condition.evaluate(in: record.payload) {
                case .bool(true): output.records.append(record)
                case .bool(false), .null: output.filtered += 1
                case let other:
                    output.rejections.append(
                        RecordRejection(
                            origin: record.origin, field: condition.soleField,
                            reason: "where \(text): gave \(other.kindName) (\(other.shown)), not true or false"))
                }
            } catch {
                output.rejections.append(RecordRejection(origin: record.origin, field: error.field, reason: "where \(text): \(error.message)"))
            }
        }
        return output
    }

    func checkFields(_ available: [String]) -> FieldCheck {
        FieldCheck(report: FieldReport(errors: FieldNames.missing(condition.fieldNames, in: available, role: "read by where")), fields: available)
    }
}

extension Expression {
    /// False for expressions that can only give a number or text (arithmetic, text functions,
    /// number and text literals); a bare field may hold a boolean.
    var mayBeCondition: Bool {
        switch self {
        case .literal(.number), .literal(.text): false
        case .binary(let op, _, _): ![.add, .subtract, .multiply, .divide].contains(op)
        case .unary(.negate, _): false
        case .call(let function, _): function == .coalesce
        default: true
        }
    }
}
