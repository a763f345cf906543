import ETLFramework
import Foundation
import StandardPlugins
import Logging
import Testing
import TestSupport

/// A transform chain end to end on every store: filtered records are counted in the run record and
/// /stats, rejected ones are quarantined with the step's reason, and what is unchanged is decided
/// after the chain, so a changed `set` cannot be silently skipped.
@Suite struct TransformChainStoreTests {
    static let registry = StandardPlugins.registry

    static let export = """
        ,Sym,Coin Name,Price (USD cents),Date
        0,btc,Bitcoin,4325012,2025-12-10T12:00:00Z
        1,eth,Ethereum,227550,2025-12-10T12:00:00Z
        2,TEST,Test Coin,100,2025-12-10T12:00:00Z
        3,btc,Bitcoin,4325012,2025-12-10T12:00:00Z
        4,sol,Solana,n/a,2025-12-10T12:00:00Z

        """

    /// The pipeline `export` over `export.csv` in `directory`, dividing the cents by `divisor`.
    static func pipeline(in directory: URL, divisor: String = "100") throws -> Pipeline {
        let yaml = """
            store: {url: "sqlite:unused.sqlite"}
            pipelines:
              - name: export
                source: {type: csv, path: export.csv, skip_columns: [column_1]}
                transform:
                  - rename: { Sym: symbol, "Coin Name": name, Date: created_at }
                  - set: { price_usd: "`Price (USD cents)` / \(divisor)", symbol: "upper(symbol)" }
                  - filter: { where: "symbol != 'TEST'" }
                  - dedupe: { key: [symbol, created_at] }
            """
        return try PipelineFileLoader(registry: registry, environment: [:])
            .load(text: yaml, file: "p.yaml", baseDirectory: directory.path, logger: Logger(label: "test")).pipelines[0]
    }

    @Test(arguments: StoreKind.available)
    func aChainLoadsCountsFilteredAndQuarantinesWithTheStepsReason(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            try Data(Self.export.utf8).write(to: directory.appendingPathComponent("export.csv"))
            let runner = PipelineRunner(store: store)
            let first = try await runner.run(try Self.pipeline(in: directory), trigger: .cli, logger: TestLog.logger)
            #expect(first.status == .success, "\(first.message ?? "")")
            #expect(first.counters == RunCounters(processed: 2, quarantined: 1, skipped: 0, filtered: 2))
            let btc = try await store.unifiedRecord(ticker: "BTC", logger: TestLog.logger)
            #expect(btc?.priceUSD == "43250.12")
            let detail = try await store.run(id: first.runID, rejectionLimit: 10, logger: TestLog.logger)
            #expect(detail?.rejections.map(\.field) == ["Price (USD cents)"])
            #expect(detail?.rejections.first?.reason.hasPrefix("set: price_usd = `Price (USD cents)` / 100: Price (USD cents) ('n/a')") == true)
            #expect(detail?.rejections.first?.raw.contains("\"Sym\":\"sol\"") == true)  // the row as the file had it
            #expect(detail?.run.counters.filtered == 2)
            let stats = try await store.statistics(logger: TestLog.logger)
            #expect(stats.pipelines.first { $0.pipeline == "export" }?.totalFiltered == 2)

            // Read again from the start: the same chain gives the same observations, skipped as unchanged.
            _ = try await store.resetCheckpoint(for: "export", logger: TestLog.logger)
            let again = try await runner.run(try Self.pipeline(in: directory), trigger: .cli, logger: TestLog.logger)
            #expect(again.counters == RunCounters(processed: 0, quarantined: 1, skipped: 2, filtered: 2))

            // A changed set gives other values for the same observations: never skipped silently.
            _ = try await store.resetCheckpoint(for: "export", logger: TestLog.logger)
            let changed = try await runner.run(try Self.pipeline(in: directory, divisor: "1000"), trigger: .cli, logger: TestLog.logger)
            #expect(changed.counters.processed == 0)
            #expect(changed.counters.skipped == 0)
            #expect(changed.counters.quarantined == 3)
            let conflicts = try await store.run(id: changed.runID, rejectionLimit: 10, logger: TestLog.logger)
            #expect(conflicts?.rejections.filter { $0.reason == Rejection.storedConflictReason }.count == 2)
        }
    }

    @Test(arguments: StoreKind.available)
    func aFilterThatLeavesNothingSaysSo(kind: StoreKind) async throws {
        try await kind.with { store, directory in
            try Data(Self.export.utf8).write(to: directory.appendingPathComponent("export.csv"))
            // The file's symbols are lower-case: a condition written for upper case matches nothing.
            let yaml = """
                store: {url: "sqlite:unused.sqlite"}
                pipelines:
                  - name: export
                    source: {type: csv, path: export.csv}
                    transform:
                      - filter: { where: "Sym == 'BTC'" }
                      - normalize: { mapping: { ticker: Sym, name: "Coin Name", price_usd: "Price (USD cents)", observed_at: Date } }
                """
            let mistyped = try PipelineFileLoader(registry: Self.registry, environment: [:])
                .load(text: yaml, file: "p.yaml", baseDirectory: directory.path, logger: Logger(label: "test")).pipelines[0]
            let report = try await PipelineRunner(store: store).run(mistyped, trigger: .cli, logger: TestLog.logger)
            #expect(report.status == .success)
            #expect(report.counters == RunCounters(filtered: 5))
            #expect(report.message?.contains("the transform steps filtered out every record read (5)") == true, "\(report.message ?? "")")
        }
    }
}
