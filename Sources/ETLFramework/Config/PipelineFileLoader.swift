import Foundation
import Logging

/// Reads `pipelines.yaml` and builds everything it describes: the store and every pipeline with its
/// source and transform chain. Problems are collected across the whole file, so one pass reports them all.
public struct PipelineFileLoader: Sendable {
    public var registry: ComponentRegistry
    public var environment: [String: String]

    public init(registry: ComponentRegistry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.registry = registry
        self.environment = environment
    }

    /// Loads the file at `path`; throws ``ConfigErrors`` listing every problem found.
    public func load(path: String, logger: Logger) throws -> LoadedPipelineFile {
        try load(
            text: ConfigDocument.text(ofFile: path), file: (path as NSString).lastPathComponent,
            baseDirectory: ConfigDocument.directory(of: path), logger: logger)
    }

    /// Loads a document given as text; `file` names it in diagnostics.
    public func load(text: String, file: String, baseDirectory: String, logger: Logger) throws -> LoadedPipelineFile {
        let document = try ConfigDocument(text: text, file: file, environment: environment)
        var collected = ConfigProblems()
        let root = document.root
        guard case .mapping = root.kind else {
            throw ConfigErrors(document.diagnostics + [root.diagnostic("expected a mapping with the keys store and pipelines")])
        }
        func collect<T>(_ body: () throws -> T) -> T? { collected.attempt(body) }
        let decoder = ConfigDecoder()
        _ = collect { try decoder.decode(TopLevelKeys.self, from: root) }
        let serverSpec = root["server"].flatMap { node in collect { try decoder.decode(ServerSpec.self, from: node) } }
        if let port = serverSpec?.port, !(1...65535).contains(port) {
            collected.append((root["server"]?["port"] ?? root).diagnostic("port must be between 1 and 65535"))
        }
        if let idle = serverSpec?.idleTimeout, idle.duration < .seconds(1) {
            collected.append((root["server"]?["idle_timeout"] ?? root).diagnostic("idle_timeout must be at least 1s"))
        }
        if let mib = serverSpec?.cacheMiB, !(0...4096).contains(mib) {
            collected.append((root["server"]?["cache_mib"] ?? root).diagnostic("cache_mib must be between 0 (no response cache) and 4096"))
        }
        if let limit = serverSpec?.maxConnections, !(1...1_000_000).contains(limit) {
            collected.append(
                (root["server"]?["max_connections"] ?? root).diagnostic("max_connections must be between 1 and 1000000"))
        }
        let notifySpec = root["notify"].flatMap { node in collect { try decoder.decode(NotifySpec.self, from: node) } }
        if let retries = notifySpec?.retries, !(0...10).contains(retries) {
            collected.append((root["notify"]?["retries"] ?? root).diagnostic("retries must be between 0 and 10"))
        }
        if let timeout = notifySpec?.timeout, !(Duration.milliseconds(100)...Duration.seconds(60)).contains(timeout.duration) {
            collected.append((root["notify"]?["timeout"] ?? root).diagnostic("timeout must be between 100ms and 60s"))
        }
        let telemetrySpec = root["telemetry"].flatMap { node in collect { try decoder.decode(TelemetrySpec.self, from: node) } }
        let storeContext = ComponentContext(baseDirectory: baseDirectory, logger: logger)
        let store: (any Store)? = root["store"].flatMap { node in
            collect { try registry.makeStore(try decoder.decode(ComponentSpec.self, from: node), context: storeContext) }
        }
        if root["store"] == nil { collected.append(root.diagnostic("missing required key \"store\"")) }
        var pipelines: [Pipeline] = []
        var seen: [String: ConfigPosition] = [:]
        switch root["pipelines"]?.kind {
        case .sequence(let items)?:
            if items.isEmpty { collected.append(root["pipelines"]!.diagnostic("at least one pipeline is required")) }
            for item in items {
                let decoded = decoder.decode(PipelineSpec.self, from: item, reportingTo: &collected)
                guard let spec = decoded else {
                    // Still check the source block, so its problems are reported in the same pass.
                    if let sourceNode = item["source"] {
                        let context = ComponentContext(baseDirectory: baseDirectory, logger: logger)
                        _ = collect { try registry.makeSource(try decoder.decode(ComponentSpec.self, from: sourceNode), context: context) }
                    }
                    continue
                }
                if let first = seen[spec.name] {
                    collected.append(
                        ConfigDiagnostic(
                            at: spec.position, keyPath: item.keyPath + ".name",
                            "pipeline name \"\(spec.name)\" is already used at line \(first.line)"))
                }
                seen[spec.name] = spec.position
                if let pipeline = collect({ try makePipeline(spec, node: item, baseDirectory: baseDirectory, logger: logger) }) {
                    pipelines.append(pipeline)
                }
            }
        case nil:
            collected.append(root.diagnostic("missing required key \"pipelines\""))
        default:
            collected.append(root["pipelines"]!.diagnostic("expected a list of pipelines"))
        }
        // A value whose interpolation failed is reported once, not again by what decodes it.
        let interpolationErrors = Set(document.diagnostics.map(\.position))
        var problems = document.diagnostics + collected.diagnostics.filter { !interpolationErrors.contains($0.position) }
        problems.sort { ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column) }
        guard problems.isEmpty, let store else { throw ConfigErrors(problems) }
        var secrets = document.secrets
        let server = ServerSettings(serverSpec, environment: environment)
        if let token = server.triggerToken { secrets.append(token) }
        let notify = notifySpec.flatMap { spec in
            URL(string: spec.webhook).map { url in
                NotifySettings(
                    webhook: url, headers: spec.headers, events: Set(spec.on ?? NotifyEvent.allCases),
                    timeout: spec.timeout?.duration ?? NotifySettings.defaultTimeout,
                    retries: spec.retries ?? NotifySettings.defaultRetries)
            }
        }
        // Header values (tokens) and the webhook's address are never logged.
        secrets += notify.map { [$0.webhook.absoluteString] + $0.headers.map(\.value) } ?? []
        let telemetry = TelemetrySettings.resolve(telemetrySpec, environment: environment)
        secrets += telemetry?.headers.map(\.value) ?? []
        return LoadedPipelineFile(
            file: file, store: store, pipelines: pipelines, server: server, notify: notify, telemetry: telemetry,
            redaction: Redaction(secrets: secrets))
    }

    func makePipeline(_ spec: PipelineSpec, node: ConfigNode, baseDirectory: String, logger: Logger) throws -> Pipeline {
        let nameNode = node["name"] ?? node
        guard spec.name.range(of: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", options: .regularExpression) != nil else {
            throw ConfigErrors([
                nameNode.diagnostic(
                    "pipeline name \"\(spec.name)\" must be 1-63 letters, digits, '.', '_' or '-'")
            ])
        }
        guard !Self.reservedNames.contains(spec.name) else {
            throw ConfigErrors([
                nameNode.diagnostic(
                    "pipeline name \"\(spec.name)\" is reserved (it is a key of the /stats answer)")
            ])
        }
        if let batchSize = spec.batchSize, !(1...100_000).contains(batchSize) {
            throw ConfigErrors([(node["batch_size"] ?? node).diagnostic("batch_size must be between 1 and 100000")])
        }
        var limits: [ConfigDiagnostic] = []
        if let freshness = spec.checks?.freshness?.limit, freshness.duration < .seconds(1) {
            limits.append((node["checks"]?["freshness"] ?? node).diagnostic("freshness must be at least 1s"))
        }
        if let minimum = spec.checks?.minRecords?.limit, minimum < 0 {
            limits.append((node["checks"]?["min_records"] ?? node).diagnostic("min_records must be at least 0"))
        }
        guard limits.isEmpty else { throw ConfigErrors(limits) }
        if let every = spec.schedule?.every, every.duration < .seconds(1) {
            throw ConfigErrors([(node["schedule"] ?? node).diagnostic("schedule.every must be at least 1s")])
        }
        let context = ComponentContext(baseDirectory: baseDirectory, pipeline: spec.name, logger: logger)
        var problems = ConfigProblems()
        let setup = problems.attempt { try registry.makeSource(spec.source, context: context) }
        var chainContext = context
        chainContext.source = setup?.defaults ?? NormalizerDefaults(mapping: FieldMapping(), typedValues: false)
        let chain = problems.attempt { try makeChain(node["transform"], pipeline: node, context: chainContext) }
        try problems.throwIfAny()
        return Pipeline(
            name: spec.name, source: setup!.source, transforms: chain!,
            batchSize: spec.batchSize ?? PipelineSpec.defaultBatchSize, schedule: spec.schedule?.every.duration,
            checks: spec.checks?.runChecks ?? RunChecks())
    }

    /// Names `/stats` uses for its own keys beside the per-pipeline ones.
    static let reservedNames: Set<String> = ["total_normalized", "last_success", "last_failure", "pipelines"]

    /// Checks the top level for unknown keys only; the blocks are decoded one by one.
    struct TopLevelKeys: Decodable {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case store, server, pipelines, notify, telemetry
        }

        init(from decoder: any Decoder) throws {
            _ = try decoder.container(keyedBy: CodingKeys.self)
        }
    }
}

/// A pipeline file turned into ready-to-run parts.
public struct LoadedPipelineFile: Sendable {
    public var file: String
    public var store: any Store
    public var pipelines: [Pipeline]
    public var server: ServerSettings
    /// Where run notifications go, when the file has a `notify:` block.
    public var notify: NotifySettings?
    /// Where spans are exported, from the `telemetry:` block or the `OTEL_*` variables; `nil`: none.
    public var telemetry: TelemetrySettings?
    /// Redacts the secrets this file read from the environment.
    public var redaction: Redaction
}
