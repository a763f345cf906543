import ETLFramework
import Foundation
import Logging
import Testing

/// A source type for configuration tests: takes `path` and optional `mapping`.
struct StubSource: Source, Decodable {
    var type: String { "stub" }
    var path: String
    var mapping: FieldMapping?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, mapping
    }

    func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
        fatalError("not read in config tests")
    }

    static let pathKey = ConfigKey.required("path", String.self, "the file")
    static let mappingKey = ConfigKey.optional("mapping", FieldMapping.self, "the mapping")
    static let spec = ConfigSpec(pathKey, mappingKey)

    static func setup(_ config: ComponentConfig) throws -> SourceSetup {
        let source = StubSource(path: config[pathKey], mapping: config[mappingKey])
        return SourceSetup(source: source, defaults: NormalizerDefaults(mapping: source.mapping ?? FieldMapping(), typedValues: false))
    }
}

/// A store type for configuration tests.
struct StubStore: Store, Decodable {
    var url: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url
    }

    func run() async {}
    func migrate(logger: Logger) async throws -> [String] { [] }
    func write(_ batch: LoadBatch, logger: Logger) async throws -> RunCounters { batch.counters }
    func checkpoint(for pipeline: String, logger: Logger) async throws -> Checkpoint? { nil }
    func resetCheckpoint(for pipeline: String, logger: Logger) async throws -> Bool { false }
    func withRunLock<T: Sendable>(pipeline: String, logger: Logger, _ body: @Sendable () async throws -> T) async throws -> T {
        try await body()
    }
    func recoverAbandonedRuns(logger: Logger) async throws -> Int { 0 }
    func watchChanges(logger: Logger, onChange: @escaping @Sendable () -> Void) async throws {}
    struct NotUsed: Error {}
    func unifiedRecords(_ query: RecordQuery, logger: Logger) async throws -> Page<UnifiedRecord> { throw NotUsed() }
    func unifiedRecordMarks(source: String?, every: Int, logger: Logger) async throws -> RecordMarks { throw NotUsed() }
    func unifiedRecord(ticker: String, logger: Logger) async throws -> UnifiedRecord? { throw NotUsed() }
    func history(_ query: HistoryQuery, logger: Logger) async throws -> Page<HistoryPoint> { throw NotUsed() }
    func runs(_ query: RunQuery, logger: Logger) async throws -> Page<RunRecord> { throw NotUsed() }
    func run(id: RunID, rejectionLimit: Int, logger: Logger) async throws -> RunDetail? { throw NotUsed() }
    func statistics(logger: Logger) async throws -> StoreStatistics { throw NotUsed() }
    func latestRuns(logger: Logger) async throws -> [String: RunRecord] { throw NotUsed() }
    func ping(logger: Logger) async throws { throw NotUsed() }
    func startRun(pipeline: String, trigger: RunTrigger, logger: Logger) async throws -> RunID { RunID(1) }
    func finishRun(_ id: RunID, status: RunStatus, message: String?, quality: RunQuality, logger: Logger) async throws -> RunReport {
        fatalError("not used")
    }
    func qualityFacts(pipeline: String, run: RunID, newestObservation: Bool, logger: Logger) async throws -> QualityFacts {
        QualityFacts()
    }
    func anomalies(run: RunID, limit: Int, offset: Int, logger: Logger) async throws -> Page<Anomaly> { throw NotUsed() }
    func comparison(of run: RunRecord, logger: Logger) async throws -> RunComparison? { throw NotUsed() }
}

let testRegistry: ComponentRegistry = {
    var registry = ComponentRegistry()
    registry.register(SourceRegistration(type: "coinpaprika", summary: "", config: StubSource.spec) { try StubSource.setup($0) })
    registry.register(SourceRegistration(type: "csv", summary: "", config: StubSource.spec) { try StubSource.setup($0) })
    NormalizeTransform.register(into: &registry)
    let url = ConfigKey.required("url", String.self, "the database")
    registry.register(StoreRegistration(type: "postgres", summary: "", config: ConfigSpec(url)) { StubStore(url: $0[url]) })
    return registry
}()

func load(_ yaml: String, environment: [String: String] = [:]) throws -> LoadedPipelineFile {
    try PipelineFileLoader(registry: testRegistry, environment: environment)
        .load(text: yaml, file: "pipelines.yaml", baseDirectory: "/srv", logger: Logger(label: "test"))
}

func diagnostics(_ yaml: String, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try load(yaml, environment: environment)
        return []
    } catch let errors as ConfigErrors {
        return errors.diagnostics.map(\.description)
    } catch {
        return ["unexpected: \(error)"]
    }
}

@Suite struct ConfigLoadingTests {
    @Test func validFileBuildsEveryPipeline() throws {
        let loaded = try load(
            """
            store:
              type: postgres
              url: ${DATABASE_URL}
            pipelines:
              - name: csv
                source: { type: csv, path: "${CSV_PATH:-data/sample.csv}" }
                schedule: { every: 5m }
                batch_size: 100
            """, environment: ["DATABASE_URL": "postgres://u:p@h/d"])
        #expect(loaded.pipelines.map(\.name) == ["csv"])
        #expect(loaded.pipelines[0].schedule == .seconds(300))
        #expect(loaded.pipelines[0].batchSize == 100)
        let source = try #require(loaded.pipelines[0].source as? StubSource)
        #expect(source.path == "data/sample.csv")
        #expect((loaded.store as? StubStore)?.url == "postgres://u:p@h/d")
    }

    @Test func aStoreTypeFollowsFromItsURL() throws {
        let loaded = try load(
            """
            store: {url: "${DATABASE_URL:-postgres://u@h/d}"}
            pipelines: [{name: csv, source: {type: csv, path: a.csv}}]
            """)
        #expect((loaded.store as? StubStore)?.url == "postgres://u@h/d")
        let problems = diagnostics("store: {url: \"mysql://x\"}\npipelines: [{name: csv, source: {type: csv, path: a.csv}}]\n")
        #expect(problems == ["pipelines.yaml:1:8: store: missing required key \"type\""])
    }

    @Test func unknownSourceTypeNamesPositionAndNearestType() {
        let problems = diagnostics(
            """
            store: {type: postgres, url: x}
            pipelines:
              - name: api
                source:
                  type: coinpaprka
            """)
        #expect(
            problems == [
                "pipelines.yaml:5:13: pipelines[0].source.type: unknown source type \"coinpaprka\" (did you mean \"coinpaprika\"?)"
            ])
    }

    @Test func unknownKeysAreReportedWithSuggestionsAtEveryLevel() {
        let problems = diagnostics(
            """
            store: {type: postgres, url: x}
            pipelines:
              - name: csv
                shedule: {every: 5m}
                source: {type: csv, path: a.csv, pth: b.csv}
            extra: 1
            """)
        #expect(problems.contains("pipelines.yaml:6:1: extra: unknown key \"extra\""))
        #expect(problems.contains("pipelines.yaml:4:5: pipelines[0].shedule: unknown key \"shedule\" (did you mean \"schedule\"?)"))
        #expect(problems.contains("pipelines.yaml:5:38: pipelines[0].source.pth: unknown key \"pth\" (did you mean \"path\"?)"))
    }

    @Test func wrongTypesNameTheKeyAndPosition() {
        let problems = diagnostics(
            """
            store: {type: postgres, url: x}
            pipelines:
              - name: csv
                source: {type: csv, path: a.csv}
                batch_size: lots
                schedule: {every: often}
            """)
        #expect(problems.contains("pipelines.yaml:5:17: pipelines[0].batch_size: expected an integer, got \"lots\""))
        #expect(
            problems.contains(
                "pipelines.yaml:6:23: pipelines[0].schedule.every: expected a duration such as 30s, 5m or 1h, got \"often\""))
    }

    @Test func missingVariableIsAnErrorAtItsPosition() {
        let problems = diagnostics(
            """
            store:
              type: postgres
              url: ${DATABASE_URL}
            pipelines:
              - name: csv
                source: {type: csv, path: a.csv}
            """)
        #expect(
            problems == [
                "pipelines.yaml:3:8: store.url: environment variable DATABASE_URL is not set (give a default with ${DATABASE_URL:-value})"
            ])
    }

    @Test func everyProblemOfEveryPipelineIsReportedInOnePass() {
        let problems = diagnostics(
            """
            store: {type: postgress, url: x}
            pipelines:
              - name: a
                source: {type: csv}
              - name: a
                source: {type: csv, path: x.csv}
              - name: "bad name"
                source: {type: csv, path: y.csv}
            """)
        #expect(problems.contains { $0.hasPrefix("pipelines.yaml:1:15: store.type: unknown store type \"postgress\"") })
        #expect(problems.contains("pipelines.yaml:4:13: pipelines[0].source: missing required key \"path\": the file"))
        #expect(problems.contains("pipelines.yaml:5:11: pipelines[1].name: pipeline name \"a\" is already used at line 3"))
        #expect(problems.contains { $0.hasPrefix("pipelines.yaml:7:11: pipelines[2].name: pipeline name \"bad name\"") })
        #expect(problems.count == 4)
    }

    @Test func yamlSyntaxErrorsCarryTheirPosition() {
        let problems = diagnostics("store: {type: postgres\npipelines: [")
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("pipelines.yaml:2:"))
        #expect(problems[0].contains("YAML syntax error"))
    }

    @Test func mappingKeysMustBeUnifiedFields() {
        let problems = diagnostics(
            """
            store: {type: postgres, url: x}
            pipelines:
              - name: csv
                source: {type: csv, path: a.csv, mapping: {tickr: Symbol, price_usd: Close}}
            """)
        #expect(
            problems == [
                "pipelines.yaml:4:48: pipelines[0].source.mapping.tickr: unknown key \"tickr\" (did you mean \"ticker\"?)"
            ])
    }

    @Test func emptyInterpolatedValueIsAbsentAndSecretsAreCollected() throws {
        let loaded = try load(
            """
            store: {type: postgres, url: "${DATABASE_URL}"}
            pipelines:
              - name: csv
                source: {type: csv, path: "${CSV_PATH:-}x.csv"}
            """, environment: ["DATABASE_URL": "postgres://u:hunter2pass@h/d"])
        #expect(loaded.redaction.redact("url is postgres://u:hunter2pass@h/d") == "url is postgres://u:<redacted>@h/d")
        #expect(loaded.redaction.redact("password hunter2pass") != "password hunter2pass")
    }
}
