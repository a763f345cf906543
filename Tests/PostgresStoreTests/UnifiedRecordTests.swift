import ETLFramework
import Foundation
import Testing
import TestSupport

/// One unified record per ticker: the same asset keeps its newest observation from any source;
/// different assets under one ticker resolve to the larger market cap, whatever the arrival order.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct UnifiedRecordTests {
    static let big = header + "ABC,Alpha Coin,2.5,900000,100,1,2025-01-01T00:00:00Z\n"
    static let small = header + "abc,Beta Token,0.01,5000,1,1,2025-01-02T00:00:00Z\n"

    @Test(arguments: [false, true])
    func theLargerAssetHoldsASharedTickerInEitherArrivalOrder(smallFirst: Bool) async throws {
        try await Harness.with { harness in
            _ = try harness.write("big.csv", Self.big)
            _ = try harness.write("small.csv", Self.small)
            let order = smallFirst ? [("small", "small.csv"), ("big", "big.csv")] : [("big", "big.csv"), ("small", "small.csv")]
            for (name, file) in order { try await harness.run(name, file: file) }
            #expect(try await harness.unified("ABC") == ["abc-alphacoin", "2.5", "big", "Alpha Coin"])
            #expect(try await harness.count("normalized_records") == 1)
            #expect(try await harness.count("observations") == 2)
            #expect(try await harness.count("assets") == 2)
        }
    }

    @Test func theSameAssetKeepsItsNewestObservationWhicheverSourceSentIt() async throws {
        try await Harness.with { harness in
            _ = try harness.write("old.csv", header + "BTC,Bitcoin,100,1000,1,1,2025-01-01T00:00:00Z\n")
            _ = try harness.write("new.csv", header + "btc,bitcoin,200,2000,1,1,2025-01-02T00:00:00Z\n")
            try await harness.run("fresh", file: "new.csv")
            try await harness.run("stale", file: "old.csv")
            #expect(try await harness.unified("BTC")?[1] == "200")
            #expect(try await harness.unified("BTC")?[2] == "fresh")
        }
    }

    @Test func aNewerObservationOfTheHolderReplacesIt() async throws {
        try await Harness.with { harness in
            _ = try harness.write("big.csv", Self.big)
            _ = try harness.write("small.csv", Self.small)
            try await harness.run("big", file: "big.csv")
            try await harness.run("small", file: "small.csv")
            try harness.append("big.csv", "ABC,Alpha Coin,2.75,990000,100,1,2025-01-03T00:00:00Z\n")
            try await harness.run("big", file: "big.csv")
            #expect(try await harness.unified("ABC")?[1] == "2.75")
        }
    }

    @Test func collisionsInsideOneBatchResolveTheSameWay() async throws {
        try await Harness.with { harness in
            _ = try harness.write(
                "mixed.csv",
                header
                    + "ABC,Beta Token,0.01,5000,1,1,2025-01-02T00:00:00Z\n"
                    + "ABC,Alpha Coin,2.5,900000,100,1,2025-01-01T00:00:00Z\n"
                    + "ABC,Gamma,7,100,1,1,2025-01-03T00:00:00Z\n")
            try await harness.run("mixed", file: "mixed.csv")
            #expect(try await harness.unified("ABC")?[0] == "abc-alphacoin")
        }
    }
}
