import Foundation

/// The typed contents of `pipelines.yaml`: one store and the pipelines that feed it.
public struct PipelineFile: Sendable, Decodable {
    /// The database everything is written to (`type: postgres`).
    public var store: ComponentSpec
    public var server: ServerSpec?
    public var notify: NotifySpec?
    public var telemetry: TelemetrySpec?
    public var pipelines: [PipelineSpec]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case store, server, pipelines, notify, telemetry
    }
}

/// One pipeline: a source, an optional schedule and checks. Its `transform:` list is built by the
/// loader, step by step, through the registry.
public struct PipelineSpec: Sendable, Decodable {
    /// Unique name; also the `source` tag of the records it writes.
    public var name: String
    public var source: ComponentSpec
    public var schedule: ScheduleSpec?
    /// Records per batch (and per transaction); default 10,000.
    public var batchSize: Int?
    /// What a run must pass to succeed.
    public var checks: ChecksSpec?
    /// Where `name` was written, for diagnostics.
    public var position: ConfigPosition

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, source, transform, schedule, checks
        case batchSize = "batch_size"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Each key is decoded on its own so that one pass reports the problems of all of them.
        var problems = ConfigProblems()
        let name = problems.attempt { try container.decode(String.self, forKey: .name) }
        let source = problems.attempt { try container.decode(ComponentSpec.self, forKey: .source) }
        schedule = problems.attempt { try container.decodeIfPresent(ScheduleSpec.self, forKey: .schedule) } ?? nil
        batchSize = problems.attempt { try container.decodeIfPresent(Int.self, forKey: .batchSize) } ?? nil
        checks = problems.attempt { try container.decodeIfPresent(ChecksSpec.self, forKey: .checks) } ?? nil
        try problems.throwIfAny()
        self.name = name!
        self.source = source!
        let node = (decoder as? any ConfigNodeDecoding)?.configNode
        position = node?["name"]?.position ?? node?.position ?? ConfigPosition(file: "", line: 1, column: 1)
    }

    public static let defaultBatchSize = 10_000
}

/// When a pipeline runs on its own.
public struct ScheduleSpec: Sendable, Decodable {
    public var every: ConfigDuration

    enum CodingKeys: String, CodingKey, CaseIterable {
        case every
    }
}

/// A component block (`source`, `store`): its `type` and the node holding its own keys, which the
/// registered factory for that type decodes.
public struct ComponentSpec: Sendable, Decodable {
    public var type: String
    public var node: ConfigNode
    /// Where the type was written, when not as a `type:` key (a transform step's key).
    public var typeNode: ConfigNode?

    /// A block whose type is given apart from its keys (`- rename: {...}`).
    public init(type: String, node: ConfigNode, typeNode: ConfigNode? = nil) {
        self.type = type
        self.node = node
        self.typeNode = typeNode
    }

    enum CodingKeys: String, CodingKey {
        case type
    }

    public init(from decoder: any Decoder) throws {
        guard let node = (decoder as? any ConfigNodeDecoding)?.configNode else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "config node needed"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if !container.contains(.type), case .scalar(let url)? = node["url"]?.kind, let inferred = Self.storeType(ofURL: url) {
            type = inferred
        } else {
            type = try container.decode(String.self, forKey: .type)
        }
        self.node = node
    }

    /// The store type a URL names, so that a store block may give just `url`: `postgres://...` (and
    /// `postgresql...`) is `postgres`, `sqlite:PATH` is `sqlite`.
    static func storeType(ofURL url: String) -> String? {
        let lower = url.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql") || lower.hasPrefix("postgres+") { return "postgres" }
        if lower.hasPrefix("sqlite:") { return "sqlite" }
        return nil
    }
}
