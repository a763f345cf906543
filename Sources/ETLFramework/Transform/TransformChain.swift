/// A pipeline's transform steps in order, then its normalizer: raw records in, quotes out.
///
/// A chain is a value: a run copies it, so steps that remember (`dedupe`) start afresh each run.
public struct TransformChain: Sendable {
    /// One configured step and the name it is reported by (`filter`, or `filter (step 2)`).
    public struct Step: Sendable {
        public var name: String
        public var transformer: any Transformer

        public init(name: String, transformer: any Transformer) {
            self.name = name
            self.transformer = transformer
        }
    }

    public var steps: [Step]
    public var normalizer: any RecordNormalizer

    public init(steps: [Step] = [], normalizer: any RecordNormalizer) {
        self.steps = steps
        self.normalizer = normalizer
    }

    /// Runs a batch through every step and the normalizer. A record a step rejects is quarantined
    /// with the step's name in the reason; the quotes point into `raw` by ``Quote/rawIndex``.
    public mutating func run(_ raw: [RawRecord]) -> ChainOutput {
        var reports: [StageReport]? = nil
        return run(raw, reports: &reports)
    }

    /// ``run(_:)``, appending to `reports`, when given, what each step and the normalizer did
    /// (points `1...steps.count + 1`, see ``StageReport``).
    mutating func run(_ raw: [RawRecord], reports: inout [StageReport]?) -> ChainOutput {
        var records = raw.enumerated().map { ChainRecord($0.element, origin: $0.offset) }
        var refused: [RecordRejection] = []
        var filtered = 0
        func located(_ rejections: some Sequence<RecordRejection>) -> [Rejection] {
            rejections.map { rejection in
                let record = raw[rejection.origin]
                return Rejection(location: record.location, field: rejection.field, reason: rejection.reason, raw: record.payloadText)
            }
        }
        for index in steps.indices {
            let start = reports == nil ? 0 : StageReport.now()
            let output = steps[index].transformer.transform(records)
            let name = steps[index].name
            let named = output.rejections.map { RecordRejection(origin: $0.origin, field: $0.field, reason: "\(name): \($0.reason)") }
            refused += named
            filtered += output.filtered
            reports?.append(
                StageReport(
                    index: index + 1, name: name, recordsIn: records.count, kept: output.records, rejections: located(named),
                    filtered: output.filtered, startNanoseconds: start, endNanoseconds: StageReport.now()))
            records = output.records
        }
        let start = reports == nil ? 0 : StageReport.now()
        let normalized = normalizer.normalize(records)
        refused += normalized.rejections
        reports?.append(
            StageReport(
                index: steps.count + 1, name: StageReport.normalizeName, recordsIn: records.count, quotes: normalized.quotes,
                locations: raw.map(\.location), rejections: located(normalized.rejections), startNanoseconds: start,
                endNanoseconds: StageReport.now()))
        return ChainOutput(quotes: normalized.quotes, rejections: located(refused), filtered: filtered)
    }

    /// Checks every step's field names against the fields the data has, in order (each step sees
    /// the fields the steps before it leave), then the normalizer's mapping.
    public func fieldReport(available: [String], receiptTime: String) -> FieldReport {
        var fields = available
        var report = FieldReport()
        for step in steps {
            let check = step.transformer.checkFields(fields)
            report.errors += check.report.errors.map { "\(step.name): \($0)" }
            report.notes += check.report.notes.map { "\(step.name): \($0)" }
            fields = check.fields
        }
        let normalizer = normalizer.fieldReport(available: fields, receiptTime: receiptTime)
        report.errors += normalizer.errors
        report.notes += normalizer.notes
        return report
    }
}

/// What a chain made of one batch.
public struct ChainOutput: Sendable {
    public var quotes: [Quote]
    public var rejections: [Rejection]
    /// Records the steps left out on purpose.
    public var filtered: Int

    public init(quotes: [Quote] = [], rejections: [Rejection] = [], filtered: Int = 0) {
        self.quotes = quotes
        self.rejections = rejections
        self.filtered = filtered
    }
}
