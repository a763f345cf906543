import ETLFramework
import Foundation
import StandardPlugins
import Logging
import Testing

/// The host's plugins plus the test module's own transform: one line, as for any new module.
let chainRegistry: ComponentRegistry = {
    var registry = StandardPlugins.registry
    RoundTransform.register(into: &registry)
    return registry
}()

/// Loads a pipeline file given as text, with a sqlite store and `csv` sources under `/tmp`.
func loadPipelines(_ pipelines: String) throws -> LoadedPipelineFile {
    try PipelineFileLoader(registry: chainRegistry, environment: [:]).load(
        text: "store: {type: sqlite, path: /tmp/unused.sqlite}\npipelines:\n" + pipelines, file: "p.yaml",
        baseDirectory: "/tmp", logger: Logger(label: "test"))
}

/// The diagnostics loading `pipelines` gives (empty when it loads).
func problems(_ pipelines: String) -> [String] {
    do {
        _ = try loadPipelines(pipelines)
        return []
    } catch let errors as ConfigErrors {
        return errors.diagnostics.map(\.description)
    } catch {
        return ["unexpected: \(error)"]
    }
}

/// CSV-like records (every value text) with their line numbers.
func rows(_ rows: [[(String, String)]]) -> [RawRecord] {
    rows.enumerated().map { index, fields in
        RawRecord(
            payload: .object(fields.map { RawField($0.0, .string($0.1)) }),
            location: RecordLocation(line: index + 2, description: "f.csv:\(index + 2)"), receivedAt: Date())
    }
}

@Suite struct ChainTests {
    static let issueExample = """
          - name: csv
            source: {type: csv, path: f.csv}
            transform:
              - rename: { sym: symbol, "24h_volume_usd": volume_24h_usd }
              - drop: [notes]
              - set: { price_usd: "price_cents / 100", name: "trim(name)" }
              - filter: { where: "price_usd > 1 and symbol not in ['TEST', 'XXX']" }
              - dedupe: { key: [symbol, created_at] }
              - normalize: { mapping: { ticker: symbol } }
        """

    static let issueRows = rows([
        [
            ("sym", "BTC"), ("name", " Bitcoin "), ("price_cents", "4500050"), ("24h_volume_usd", "12"), ("notes", "x"),
            ("created_at", "2025-01-01T00:00:00Z"),
        ],
        [
            ("sym", "DOGE"), ("name", "Dogecoin"), ("price_cents", "9"), ("24h_volume_usd", "1"), ("notes", ""),
            ("created_at", "2025-01-01T00:00:00Z"),
        ],
        [("sym", "TEST"), ("name", "Test"), ("price_cents", "500"), ("24h_volume_usd", "1"), ("notes", ""), ("created_at", "2025-01-01T00:00:00Z")],
        [
            ("sym", "BTC"), ("name", "Bitcoin"), ("price_cents", "4500050"), ("24h_volume_usd", "12"), ("notes", "dup"),
            ("created_at", "2025-01-01T00:00:00Z"),
        ],
        [
            ("sym", "ETH"), ("name", "Ethereum"), ("price_cents", "many"), ("24h_volume_usd", "1"), ("notes", ""),
            ("created_at", "2025-01-01T00:00:00Z"),
        ],
    ])

    @Test func theIssuesChainRenamesDropsSetsFiltersAndDedupes() throws {
        var chain = try loadPipelines(Self.issueExample).pipelines[0].transforms
        #expect(chain.steps.map(\.name) == ["rename", "drop", "set", "filter", "dedupe"])
        let output = chain.run(Self.issueRows)
        #expect(output.quotes.map(\.ticker) == ["BTC"])
        #expect(output.quotes.first?.priceUSD.description == "45000.5")
        #expect(output.quotes.first?.name == "Bitcoin")
        #expect(output.quotes.first?.volume24hUSD?.description == "12")
        #expect(output.quotes.first?.rawIndex == 0)
        #expect(output.filtered == 3)  // DOGE and TEST by the filter, the second BTC by dedupe
        #expect(output.rejections.count == 1)
        let rejection = try #require(output.rejections.first)
        #expect(rejection.field == "price_cents")
        #expect(rejection.reason == "set: price_usd = price_cents / 100: price_cents ('many') is text where a number is needed (/)")
        #expect(rejection.location.line == 6)
        #expect(rejection.raw.contains("\"sym\":\"ETH\""))  // the raw record as the source gave it
    }

    @Test func dedupeRemembersAcrossBatchesWithinARunOnly() throws {
        let pipeline = try loadPipelines(Self.issueExample).pipelines[0]
        var chain = pipeline.transforms
        #expect(chain.run(Array(Self.issueRows.prefix(1))).quotes.count == 1)
        #expect(chain.run(Array(Self.issueRows.suffix(2))).filtered == 1)  // the BTC seen in the batch before
        var nextRun = pipeline.transforms
        #expect(nextRun.run(Array(Self.issueRows.suffix(2))).quotes.map(\.ticker) == ["BTC"])
    }

    @Test func everyStepChecksTheFieldsItReadsBeforeAnythingIsWritten() throws {
        let chain = try loadPipelines(Self.issueExample).pipelines[0].transforms
        let fine = chain.fieldReport(available: ["sym", "name", "price_cents", "24h_volume_usd", "notes", "created_at"], receiptTime: "t")
        #expect(fine.errors.isEmpty, "\(fine.errors)")
        let report = chain.fieldReport(available: ["symbol", "name", "price", "24h_volume_usd", "created_at"], receiptTime: "t")
        #expect(report.errors.contains("rename: \"sym\" (renamed) is not a field of the data (nearest: \"symbol\")"), "\(report.errors)")
        #expect(report.errors.contains { $0.hasPrefix("drop: \"notes\" (dropped) is not a field of the data") }, "\(report.errors)")
        #expect(
            report.errors.contains("set: \"price_cents\" (read by price_usd) is not a field of the data (nearest: \"price\")"), "\(report.errors)")
        let both = chain.fieldReport(
            available: ["sym", "symbol", "name", "price_cents", "24h_volume_usd", "notes", "created_at"], receiptTime: "t")
        #expect(both.errors.isEmpty, "\(both.errors)")
        #expect(both.notes.contains("rename: renaming \"sym\" to \"symbol\" replaces the existing field \"symbol\""), "\(both.notes)")
    }

    @Test func aColumnWhoseNameHoldsADotIsFoundByItsName() throws {
        var chain = try loadPipelines(
            """
              - name: dotted
                source: {type: csv, path: f.csv}
                transform:
                  - set: { volume_24h_usd: "`Vol. 24h` * 1000" }
                  - filter: { where: "`Vol. 24h` > 0" }
            """
        ).pipelines[0].transforms
        let output = chain.run(rows([[("symbol", "BTC"), ("price_usd", "1"), ("Vol. 24h", "1.5")]]))
        #expect(output.quotes.first?.volume24hUSD?.description == "1500")
        #expect(chain.fieldReport(available: ["symbol", "price_usd", "Vol. 24h"], receiptTime: "t").errors.isEmpty)
    }

    @Test func theOlderFormAndNoTransformStillMeanNormalize() throws {
        let loaded = try loadPipelines(
            """
              - name: old
                source: {type: csv, path: f.csv}
                transform: {normalize: {aliases: {XBT: BTC}}}
              - name: none
                source: {type: csv, path: f.csv}
            """)
        for pipeline in loaded.pipelines {
            #expect(pipeline.transforms.steps.isEmpty)
            var chain = pipeline.transforms
            let output = chain.run(rows([[("symbol", "XBT"), ("name", "Bitcoin"), ("price_usd", "1")]]))
            #expect(output.quotes.map(\.ticker) == [pipeline.name == "old" ? "BTC" : "XBT"])
        }
    }

    @Test func mistakesInTheChainAreReportedWithTheirPositions() {
        let found = problems(
            """
              - name: csv
                source: {type: csv, path: f.csv}
                transform:
                  - filter: { where: "price_usd >> 1" }
                  - set: { a: "sqrt(b)", c: "d +" }
                  - normalise: {}
                  - drop: notes
                  - normalize: {}
                  - rename: {a: b}
                  - filter: { where: "price_usd + 1" }
                  - {rename: {a: b}, drop: [c]}
            """)
        let expected = [
            "p.yaml:6:38: pipelines[0].transform[0].filter.where: expected a value, found \">\" in \"price_usd >> 1\"",
            "p.yaml:7:20: pipelines[0].transform[1].set.a: unknown function \"sqrt\"",
            "p.yaml:7:37: pipelines[0].transform[1].set.c: expected a value, found the end of the expression in \"d +\"",
            "p.yaml:8:9: pipelines[0].transform[2].normalise: unknown transform type \"normalise\" (did you mean \"normalize\"?)",
            "p.yaml:9:15: pipelines[0].transform[3].drop: expected a list",
            "p.yaml:11:9: pipelines[0].transform[5].rename: rename comes after the normalize step; normalize must be the last step",
            "p.yaml:12:26: pipelines[0].transform[6].filter.where: where must be a condition",
            "p.yaml:13:9: pipelines[0].transform[7]: each step is a map with one key",
        ]
        for prefix in expected {
            #expect(found.contains { $0.hasPrefix(prefix) }, "missing \(prefix) in:\n\(found.joined(separator: "\n"))")
        }
        #expect(found.count == expected.count, "\(found.joined(separator: "\n"))")
    }

    @Test func aTransformFromAnotherModuleRegistersAndChainsLikeABuiltIn() throws {
        var chain = try loadPipelines(
            """
              - name: rounded
                source: {type: csv, path: f.csv}
                transform:
                  - round: { field: price_usd, places: 2 }
            """
        ).pipelines[0].transforms
        let output = chain.run(
            rows([
                [("symbol", "BTC"), ("price_usd", "45000.555")], [("symbol", "ETH"), ("price_usd", "n/a")],
            ]))
        #expect(output.quotes.map(\.priceUSD.description) == ["45000.56"])
        #expect(output.rejections.map(\.reason) == ["round: price_usd \"n/a\" is not a decimal"])
        #expect(
            problems(
                """
                  - name: rounded
                    source: {type: csv, path: f.csv}
                    transform: [{round: {field: price_usd, places: 40}}]
                """
            ).first?.hasSuffix("places must be between 0 and 18, got 40") == true)
    }
}
