import ETLFramework
import Foundation

/// A pipeline test file: the pipeline file it tests and its cases (`host test FILE`).
struct PipelineTestFile: Decodable {
    /// The pipeline file, relative to the test file.
    var pipelines: String
    var tests: [PipelineTestCase]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case pipelines, tests
    }
}

/// One case: records (or a recorded file) through one pipeline's chain, and what must come out.
struct PipelineTestCase: Decodable {
    var name: String
    var pipeline: String
    /// Records as the source reads them: field -> text (as a CSV cell).
    var input: [InputRecord]?
    /// A recorded copy of the source's data, read by the source's own parser (relative to the test file).
    var inputFile: String?
    var expect: Expectation
    /// Where the case is written.
    var position: ConfigPosition

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, pipeline, input, expect
        case inputFile = "input_file"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var problems = ConfigProblems()
        let name = problems.attempt { try container.decode(String.self, forKey: .name) }
        let pipeline = problems.attempt { try container.decode(String.self, forKey: .pipeline) }
        input = problems.attempt { try container.decodeIfPresent([InputRecord].self, forKey: .input) } ?? nil
        inputFile = problems.attempt { try container.decodeIfPresent(String.self, forKey: .inputFile) } ?? nil
        let expect = problems.attempt { try container.decode(Expectation.self, forKey: .expect) }
        let node = (decoder as? any ConfigNodeDecoding)?.configNode
        position = node?.position ?? ConfigPosition(file: "", line: 1, column: 1)
        if (input == nil) == (inputFile == nil), let node {
            problems.append(node.diagnostic("a case gives either input (records) or input_file (a recorded file)"))
        }
        try problems.throwIfAny()
        self.name = name!
        self.pipeline = pipeline!
        self.expect = expect!
    }
}

/// A record of a case's input: its fields in the order written; scalars are text, as in a CSV file.
struct InputRecord: Decodable {
    var payload: RawValue

    init(from decoder: any Decoder) throws {
        guard let node = (decoder as? any ConfigNodeDecoding)?.configNode, case .mapping = node.kind else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected a mapping of field -> value"))
        }
        payload = Self.value(node)
    }

    static func value(_ node: ConfigNode) -> RawValue {
        switch node.kind {
        case .scalar(let text): .string(text)
        case .null: .string("")
        case .mapping(let entries): .object(entries.map { RawField($0.key, value($0.value)) })
        case .sequence(let items): .array(items.map(value))
        }
    }
}

/// What a case must produce. Only what is given is compared.
struct Expectation: Decodable {
    /// The unified records after the whole chain, in order, all of them; only the listed fields are
    /// compared.
    var records: [ExpectedRecord]?
    /// The first unified records, in order (for long inputs, with `count`).
    var firstRecords: [ExpectedRecord]?
    /// How many unified records.
    var count: Int?
    /// How many records the steps left out on purpose.
    var filtered: Int?
    /// The quarantined records, in order.
    var quarantined: [ExpectedRejection]?
    /// A substring of the message of a run that fails before writing (the mapping does not fit).
    var error: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case records, count, filtered, quarantined, error
        case firstRecords = "first_records"
    }
}

/// Fields of an expected unified record, in the order written (unified field names).
struct ExpectedRecord: Decodable {
    var fields: [(name: String, value: String?)]

    /// The unified fields, and `asset_key` (the identity of the asset across sources).
    static let names = UnifiedField.allCases.map(\.rawValue) + ["asset_key"]

    init(from decoder: any Decoder) throws {
        guard let node = (decoder as? any ConfigNodeDecoding)?.configNode, case .mapping(let entries) = node.kind else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected a mapping of unified field -> value"))
        }
        var problems = ConfigProblems()
        fields = []
        for entry in entries {
            guard Self.names.contains(entry.key) else {
                let hint = Suggestion.nearest(to: entry.key, in: Self.names).map { " (did you mean \"\($0)\"?)" } ?? ""
                problems.append(
                    ConfigDiagnostic(at: entry.keyPosition, keyPath: entry.value.keyPath, "unknown unified field \"\(entry.key)\"\(hint)"))
                continue
            }
            switch entry.value.kind {
            case .scalar(let text): fields.append((entry.key, text))
            case .null: fields.append((entry.key, nil))
            default: problems.append(entry.value.diagnostic("expected a value"))
            }
        }
        try problems.throwIfAny()
    }
}

/// An expected quarantined record: its field, and a substring of its reason.
struct ExpectedRejection: Decodable {
    var field: String?
    var reason: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case field, reason
    }
}
