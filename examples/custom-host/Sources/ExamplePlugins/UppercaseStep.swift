import ETLFramework

// snippet: uppercase-step
/// `uppercase: {fields: [name]}`: upper-cases text fields. A record whose field holds something
/// other than text is rejected, naming the field; a record without the field passes unchanged.
public struct UppercaseStep: Transformer {
    public var fields: [String]

    static let fieldsKey = ConfigKey.required("fields", [String].self, allowed: .notEmpty, "the text fields to upper-case")

    static let registration = TransformRegistration(
        type: "uppercase", summary: "Upper-cases text fields", config: ConfigSpec(fieldsKey)
    ) { config in
        .records(UppercaseStep(fields: config[fieldsKey]))
    }

    public init(fields: [String]) {
        self.fields = fields
    }

    public func transform(_ records: [ChainRecord]) -> StepOutput {
        var output = StepOutput()
        for var record in records {
            guard case .object(var members) = record.payload else {
                output.rejections.append(RecordRejection(origin: record.origin, field: nil, reason: "uppercase: the record is not an object"))
                continue
            }
            var refused: String?
            for index in members.indices where fields.contains(members[index].name) {
                switch members[index].value {
                case .string(let text): members[index].value = .string(text.uppercased())
                case .null: break
                default: refused = members[index].name
                }
            }
            if let refused {
                output.rejections.append(RecordRejection(origin: record.origin, field: refused, reason: "uppercase: \(refused) is not text"))
                continue
            }
            record.payload = .object(members)
            output.records.append(record)
        }
        return output
    }

    /// Every field to upper-case must exist before the step; the fields are the same after it.
    public func checkFields(_ available: [String]) -> FieldCheck {
        let missing = fields.filter { !available.contains($0) }
        return FieldCheck(
            report: FieldReport(errors: missing.map { "uppercase names \"\($0)\", which the records do not have" }), fields: available)
    }
}
// end-snippet
