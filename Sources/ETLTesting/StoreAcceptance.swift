import ETLFramework
import Foundation
import Logging

/// The checks every store must pass: the semantics the runner, the REST API and the other stores
/// rely on, run through the real ``PipelineRunner`` on records from a ``RecordedSource``.
///
/// Each check gets a fresh, migrated, running store from ``freshStore``. ``checks`` names them, so
/// that a test can run them one by one (`run(only:)`) and report each on its own.
public struct StoreAcceptance: Sendable {
    /// Runs `body` with a fresh, migrated store whose ``Store/run()`` is running, and cleans up after.
    public typealias FreshStore = @Sendable (_ body: @Sendable (any Store) async throws -> Void) async throws -> Void

    /// The store's name in messages (its YAML `type:`).
    public var name: String
    public var freshStore: FreshStore
    public var logger: Logger

    public init(name: String, logger: Logger, freshStore: @escaping FreshStore) {
        self.name = name
        self.freshStore = freshStore
        self.logger = logger
    }

    /// The names of the checks, in the order ``run(only:)`` runs them.
    public static var checks: [String] { catalog.map(\.name) }

    /// Runs the checks named in `only` (all of them when `nil`), each on a fresh store.
    public func run(only: [String]? = nil) async -> AcceptanceReport {
        var run = CheckRun()
        for entry in Self.catalog where only?.contains(entry.name) ?? true {
            await run.check(entry.name) {
                try await freshStore { store in try await entry.body(StoreLoader(store: store, logger: logger)) }
            }
        }
        return AcceptanceReport(suite: "store \(name)", results: run.results)
    }

    /// One check: its name and what it does with a loader over a fresh store.
    struct Entry: Sendable {
        var name: String
        var body: @Sendable (StoreLoader) async throws -> Void
    }
}

/// Runs pipelines of recorded CSV-like lines into one store, and reads what it holds.
struct StoreLoader: Sendable {
    let store: any Store
    let logger: Logger

    static let columns = ["symbol", "name", "price_usd", "market_cap_usd", "volume_24h_usd", "percent_change_24h", "created_at"]
    static let mapping = FieldMapping([
        .ticker: "symbol", .name: "name", .priceUSD: "price_usd", .marketCapUSD: "market_cap_usd",
        .volume24hUSD: "volume_24h_usd", .percentChange24h: "percent_change_24h", .observedAt: "created_at",
    ])

    /// Runs pipeline `name` over `lines` (resuming from its checkpoint, as a host would).
    @discardableResult
    func run(_ name: String, _ lines: [String], batchSize: Int = 1000) async throws -> RunReport {
        let source = RecordedSource(name: name, columns: Self.columns, lines: lines)
        let pipeline = Pipeline(
            name: name, source: source, transforms: TransformChain(normalizer: Normalizer(mapping: Self.mapping)), batchSize: batchSize,
            schedule: nil)
        return try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: logger)
    }

    func unified(_ ticker: String) async throws -> UnifiedRecord? {
        try await store.unifiedRecord(ticker: ticker, logger: logger)
    }

    func all(_ query: RecordQuery = RecordQuery(limit: 200)) async throws -> Page<UnifiedRecord> {
        try await store.unifiedRecords(query, logger: logger)
    }
}
