import ETLFramework
import Foundation

/// A transform as a third-party module would write one: `round: { field: price_usd, places: 2 }`
/// rounds a decimal field half-up. Its whole cost is this file and one line in a plugin list
/// (`RoundTransform.register(into: &registry)`).
struct RoundTransform: Transformer {
    let field: String
    let places: Int

    static let fieldKey = ConfigKey.required("field", String.self, "the decimal field to round")
    static let placesKey = ConfigKey("places", default: 2, allowed: .range(0...18), "decimal places to keep")

    static func register(into registry: inout ComponentRegistry) {
        registry.register(
            TransformRegistration(
                type: "round", summary: "Rounds a decimal field half-up to some places",
                config: ConfigSpec(fieldKey, placesKey)
            ) { config in
                .records(RoundTransform(field: config[fieldKey], places: config[placesKey]))
            })
    }

    func transform(_ records: [ChainRecord]) -> StepOutput {
        var output = StepOutput()
        for var record in records {
            guard let text = record.value(at: field)?.scalarText, !text.isEmpty else {
                output.records.append(record)
                continue
            }
            guard case .success(let parsed) = DecimalText.parse(text) else {
                output.rejections.append(RecordRejection(origin: record.origin, field: field, reason: "\(field) \"\(text)\" is not a decimal"))
                continue
            }
            var value = parsed.value.value, rounded = Decimal()
            NSDecimalRound(&rounded, &value, places, .plain)
            record.set(field, to: .number(rounded.description))
            output.records.append(record)
        }
        return output
    }

    func checkFields(_ available: [String]) -> FieldCheck {
        FieldCheck(
            report: FieldReport(errors: available.contains(field) ? [] : ["\"\(field)\" is not a field of the data"]),
            fields: available)
    }
}
