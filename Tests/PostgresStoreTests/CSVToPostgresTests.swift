import ETLFramework
import Foundation
import ETLPostgresStore
import Testing
import TestSupport

@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct CSVToPostgresTests {
    @Test func sampleFileLoadsIntoEveryTableAndTheRunIsRecorded() async throws {
        try await Harness.with { harness in
            let sample = try String(contentsOf: Paths.packageRoot.appendingPathComponent("data/sample.csv"), encoding: .utf8)
            _ = try harness.write("sample.csv", sample)
            let report = try await harness.run("csv", file: "sample.csv")
            #expect(report.status == .success)
            #expect(report.counters == RunCounters(processed: 7, quarantined: 0, skipped: 0))
            #expect(try await harness.count("raw_records") == 7)
            #expect(try await harness.count("observations") == 7)
            #expect(try await harness.count("normalized_records") == 7)
            #expect(try await harness.unified("PEPE") == ["pepe-pepe", "0.000000001234", "csv", "Pepe"])
            #expect(try await harness.unified("SHIB")?[1] == "0.000027923933404345")
            #expect(try await harness.unified("DOGE")?[0] == "doge-dogecoin")
            let run = try await harness.database.rows(
                "SELECT pipeline, trigger, status, processed, quarantined, skipped, finished_at IS NOT NULL, duration_ms >= 0 FROM etl_runs")
            #expect(run == [["csv", "cli", "success", "7", "0", "0", "t", "t"]])
            let raw = try await harness.database.rows("SELECT payload::json->>'symbol', line, location FROM raw_records WHERE line = 8")
            #expect(raw == [[" doge ", "8", "sample.csv:8"]])
            #expect(try await harness.database.scalar("SELECT kind FROM checkpoints WHERE pipeline = 'csv'") == "csv")
        }
    }

    @Test func theSameFileTwiceWritesTheSameRows() async throws {
        try await Harness.with { harness in
            _ = try harness.write("a.csv", header + "BTC,Bitcoin,100,1000,10,1,2025-01-01T00:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\n")
            try await harness.run("csv", file: "a.csv")
            let before = try await harness.database.rows(
                "SELECT id, price_usd::text, created_at::text, ingested_at::text FROM normalized_records ORDER BY id")
            let second = try await harness.run("csv", file: "a.csv")
            #expect(second.counters == RunCounters())
            #expect(
                try await harness.database.rows(
                    "SELECT id, price_usd::text, created_at::text, ingested_at::text FROM normalized_records ORDER BY id") == before)
            #expect(try await harness.count("raw_records") == 2)
            #expect(try await harness.count("observations") == 2)
        }
    }

    @Test func replacedFileIsReadAgainWithoutDuplicates() async throws {
        try await Harness.with { harness in
            _ = try harness.write("a.csv", header + "BTC,Bitcoin,100,1000,10,1,2025-01-01T00:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\n")
            try await harness.run("csv", file: "a.csv")
            _ = try harness.write(
                "a.csv",
                header
                    + "BTC,Bitcoin,100,1000,10,1,2025-01-01T00:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T00:00:00Z\nSOL,Solana,5,50,1,1,2025-01-02T00:00:00Z\nBTC,Bitcoin,101,1001,10,1,2025-01-02T00:00:00Z\n"
                    .replacingOccurrences(of: "ETH,Ethereum,10,", with: "ETH,Ethereum,10.0,"))
            let second = try await harness.run("csv", file: "a.csv")
            // BTC@t1 was stored; ETH's edited row holds the same values at the same time: unchanged.
            #expect(second.counters == RunCounters(processed: 2, quarantined: 0, skipped: 2))
            #expect(try await harness.count("raw_records") == 2 + 3)  // ETH's edited row is a new payload version
            #expect(try await harness.count("observations") == 4)  // ETH at the same time is not a new observation
            #expect(try await harness.unified("BTC")?[1] == "101")
        }
    }

    @Test func appendedRowsAreTheOnlyOnesReadNextTime() async throws {
        try await Harness.with { harness in
            _ = try harness.write("a.csv", header + "BTC,Bitcoin,100,1000,10,1,2025-01-01T00:00:00Z\n")
            try await harness.run("csv", file: "a.csv")
            try harness.append("a.csv", "BTC,Bitcoin,105,1050,10,1,2025-01-01T01:00:00Z\nETH,Ethereum,10,100,1,1,2025-01-01T01:00:00Z\n")
            let second = try await harness.run("csv", file: "a.csv")
            #expect(second.counters.processed == 2)
            #expect(try await harness.count("observations") == 3)
            #expect(try await harness.unified("BTC")?[1] == "105")
            #expect(
                try await harness.database.scalar(
                    "SELECT count(*) FROM observations WHERE ticker = 'BTC'") == "2")
        }
    }

    @Test func badRowsAreQuarantinedWithLineAndReasonAndTheRunGoesOn() async throws {
        try await Harness.with { harness in
            _ = try harness.write(
                "a.csv",
                header
                    + "BTC,Bitcoin,100,1000,10,1,2025-01-01T00:00:00Z\n"
                    + "ETH,Ethereum,-10,100,1,1,2025-01-01T00:00:00Z\n"
                    + ",NoTicker,1,1,1,1,2025-01-01T00:00:00Z\n"
                    + "SOL,Solana\n"
                    + "XRP,Ripple,0.5,1.000.000,1,1,2025-01-01T00:00:00Z\n"
                    + "ADA,Cardano,0.3,100,1,1,2025-01-01T00:00:00Z\n")
            let report = try await harness.run("csv", file: "a.csv", batchSize: 2)
            #expect(report.counters == RunCounters(processed: 2, quarantined: 4, skipped: 0))
            // Every batch went on, but 4 of 6 quarantined is above the default 50%: the run fails, saying why.
            #expect(report.status == .failed)
            #expect(report.message?.hasPrefix("failed checks: max_quarantined: quarantined 66.7% of 6 records read, above the limit of 50%") == true)
            #expect(report.message?.contains("price_usd must be greater than N, got -N (1)") == true)
            let quarantined = try await harness.database.rows(
                "SELECT line, field, reason, run_id FROM quarantine ORDER BY line")
            #expect(
                quarantined == [
                    ["3", "price_usd", "price_usd must be greater than 0, got -10", "\(report.runID)"],
                    ["4", "ticker", "required field symbol is empty", "\(report.runID)"],
                    ["5", nil, "row has 2 fields, the header has 7", "\(report.runID)"],
                    ["6", "market_cap_usd", "market_cap_usd \"1.000.000\" is not a decimal number", "\(report.runID)"],
                ])
            #expect(try await harness.count("raw_records") == 5)  // every readable row is kept raw
            #expect(try await harness.count("normalized_records") == 2)
        }
    }

    @Test func exactDecimalsSurviveTheDatabase() async throws {
        try await Harness.with { harness in
            _ = try harness.write(
                "a.csv",
                header
                    + "TINY,Tiny,0.000000001234,0,0,0,2025-01-01T00:00:00Z\n"
                    + "ENOT,Enot,1.0904e-08,2.448524105135891e+15,1e-12,-99.5,2025-01-01T00:00:00Z\n"
                    + "WIDE,Wide,1234567890.1234567890123456789012345678,1,1,1,2025-01-01T00:00:00Z\n")
            try await harness.run("csv", file: "a.csv")
            let rows = try await harness.database.rows(
                "SELECT id, price_usd::text, market_cap_usd::text, volume_24h_usd::text, percent_change_24h::text FROM normalized_records ORDER BY id"
            )
            #expect(
                rows == [
                    ["ENOT", "0.000000010904", "2448524105135891", "0.000000000001", "-99.5"],
                    ["TINY", "0.000000001234", "0", "0", "0"],
                    ["WIDE", "1234567890.1234567890123456789012345678", "1", "1", "1"],
                ])
        }
    }

    @Test func aMissingFileFailsTheRunAndLeavesTheCheckpointAlone() async throws {
        try await Harness.with { harness in
            let report = try await harness.run("csv", file: "absent.csv")
            #expect(report.status == .failed)
            #expect(report.message == "absent.csv: cannot open the file (No such file or directory)")
            #expect(try await harness.count("checkpoints") == 0)
            #expect(try await harness.database.scalar("SELECT status FROM etl_runs") == "failed")
        }
    }
}
