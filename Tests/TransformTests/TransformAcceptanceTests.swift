import ETLFramework
import ETLTesting
import Foundation
import Testing

/// Every standard transform step, and the test module's own, passes the transform suite of
/// `ETLTesting`, each on what the steps before it in the issue's example chain give.
@Suite struct TransformAcceptanceTests {
    @Test func everyStepOfTheExampleChainPassesTheTransformSuite() throws {
        let steps = try loadPipelines(ChainTests.issueExample).pipelines[0].transforms.steps
        #expect(steps.count == 5)
        var input = ChainTests.issueRows.map(\.payload)
        for step in steps {
            let report = TransformAcceptance(step: step.transformer, name: step.name, input: input, batchSize: 2).run()
            #expect(report.passed, "\(report)")
            var transformer = step.transformer
            input = transformer.transform(Self.records(input)).records.map(\.payload)
        }
        #expect(input.count == 1)
    }

    @Test func aTransformFromAnotherModulePassesTheTransformSuite() throws {
        let pipeline = try loadPipelines(
            """
              - name: csv
                source: {type: csv, path: f.csv}
                transform:
                  - round: { field: price, places: 2 }
            """
        ).pipelines[0]
        let input: [RawValue] = [
            .object([RawField("symbol", .string("A")), RawField("price", .string("1.239"))]),
            .object([RawField("symbol", .string("B")), RawField("price", .string("x"))]),
            .object([RawField("symbol", .string("C"))]),
        ]
        let report = TransformAcceptance(step: pipeline.transforms.steps[0].transformer, name: "round", input: input).run()
        #expect(report.passed, "\(report)")
    }

    static func records(_ payloads: [RawValue]) -> [ChainRecord] {
        payloads.enumerated().map { index, payload in
            ChainRecord(payload: payload, origin: index, location: RecordLocation(line: index + 1, description: "f:\(index + 1)"), receivedAt: Date())
        }
    }
}
