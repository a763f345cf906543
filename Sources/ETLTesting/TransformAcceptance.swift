import ETLFramework
import Foundation

/// The checks every transform step must pass, on input records given as payloads:
///
/// - `every-record-accounted-for`: each input record is kept, rejected or counted filtered, once;
///   kept and rejected records name their own input record as origin.
/// - `rejections-say-why`: every rejection has a reason (and a field, when it names one, that the
///   record has or the step reads).
/// - `check-fields-agrees`: the fields `checkFields` says records have after the step are those the
///   kept records have.
/// - `each-run-starts-fresh`: two runs of the configured step on the same input give the same
///   output (a step remembers within a run only).
public struct TransformAcceptance: Sendable {
    /// The step under test, as configured.
    public var step: any Transformer
    /// The step's name in messages (its YAML key).
    public var name: String
    /// The input records' payloads (JSON objects).
    public var input: [RawValue]
    /// Records per batch; the step sees the input in batches of this size, in one run.
    public var batchSize: Int

    public init(step: any Transformer, name: String, input: [RawValue], batchSize: Int = 3) {
        self.step = step
        self.name = name
        self.input = input
        self.batchSize = batchSize
    }

    /// Runs every check.
    public func run() -> AcceptanceReport {
        var results: [AcceptanceResult] = []
        func check(_ name: String, _ body: () throws -> Void) {
            do {
                try body()
                results.append(AcceptanceResult(check: name, failure: nil))
            } catch {
                results.append(AcceptanceResult(check: name, failure: (error as? AcceptanceFailure)?.reason ?? "threw \(error)"))
            }
        }
        let batches = transformed()
        check("every-record-accounted-for") { try everyRecordAccountedFor(batches) }
        check("rejections-say-why") { try rejectionsSayWhy(batches) }
        check("check-fields-agrees") { try checkFieldsAgrees(batches) }
        check("each-run-starts-fresh") { try eachRunStartsFresh(batches) }
        return AcceptanceReport(suite: "transform \(name)", results: results)
    }

    /// One batch in and what the step gave for it.
    struct Batch {
        var input: [ChainRecord]
        var output: StepOutput
    }

    /// One run of a fresh copy of the step over the input, batch by batch.
    func transformed() -> [Batch] {
        var step = self.step
        let received = Date(timeIntervalSince1970: 1_735_689_600)
        return stride(from: 0, to: input.count, by: max(batchSize, 1)).map { start in
            let records = input[start..<min(start + max(batchSize, 1), input.count)].enumerated().map { offset, payload in
                ChainRecord(
                    payload: payload, origin: offset, location: RecordLocation(line: start + offset + 1, description: "input:\(start + offset + 1)"),
                    receivedAt: received)
            }
            return Batch(input: records, output: step.transform(records))
        }
    }

    func everyRecordAccountedFor(_ batches: [Batch]) throws {
        for (number, batch) in batches.enumerated() {
            let kept = batch.output.records.map(\.origin), rejected = batch.output.rejections.map(\.origin)
            let origins = kept + rejected
            let valid = Set(batch.input.map(\.origin))
            if let stray = origins.first(where: { !valid.contains($0) }) {
                throw AcceptanceFailure(check: "", reason: "batch \(number + 1): origin \(stray) is no input record of the batch")
            }
            if let twice = Dictionary(grouping: origins, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw AcceptanceFailure(
                    check: "", reason: "batch \(number + 1): input record \(twice) (input:\(batch.input[twice].location)) is kept or rejected twice")
            }
            let accounted = origins.count + batch.output.filtered
            try require(
                accounted == batch.input.count,
                "batch \(number + 1): \(batch.input.count) records in, \(kept.count) kept + \(rejected.count) rejected + \(batch.output.filtered) filtered = \(accounted)"
            )
        }
    }

    func rejectionsSayWhy(_ batches: [Batch]) throws {
        for batch in batches {
            for rejection in batch.output.rejections {
                try require(
                    !rejection.reason.trimmingCharacters(in: .whitespaces).isEmpty,
                    "a rejection of \(batch.input[rejection.origin].location) has no reason")
            }
        }
    }

    func checkFieldsAgrees(_ batches: [Batch]) throws {
        let inputFields = Self.fieldNames(batches.flatMap(\.input))
        let check = step.checkFields(inputFields)
        try require(
            check.report.errors.isEmpty,
            "checkFields finds errors in fields the input has (\(inputFields.joined(separator: ", "))): "
                + check.report.errors.joined(separator: "; "))
        let output = batches.flatMap(\.output.records)
        guard !output.isEmpty else { return }
        let declared = Set(check.fields), seen = Set(Self.fieldNames(output))
        let undeclared = seen.subtracting(declared).sorted(), absent = declared.subtracting(seen).sorted()
        try require(undeclared.isEmpty, "kept records have fields checkFields does not name: \(undeclared.joined(separator: ", "))")
        try require(absent.isEmpty, "checkFields names fields no kept record has: \(absent.joined(separator: ", "))")
    }

    func eachRunStartsFresh(_ batches: [Batch]) throws {
        let again = transformed()
        func summary(_ batches: [Batch]) -> [String] {
            batches.map { batch in
                batch.output.records.map { "\($0.origin) \($0.payload.jsonText)" }.joined(separator: "|")
                    + " rejected \(batch.output.rejections.map(\.origin)) filtered \(batch.output.filtered)"
            }
        }
        try require(summary(batches) == summary(again), "a second run of the configured step gave a different output")
    }

    /// The field names of `records`, in first-seen order.
    static func fieldNames(_ records: [ChainRecord]) -> [String] {
        var seen = Set<String>(), names: [String] = []
        for record in records {
            guard case .object(let fields) = record.payload else { continue }
            for field in fields where seen.insert(field.name).inserted { names.append(field.name) }
        }
        return names
    }
}
