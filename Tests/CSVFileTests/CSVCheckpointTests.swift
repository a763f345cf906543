import CSVFileAdapter
import ETLFramework
import Foundation
import Testing

@Suite struct CSVCheckpointTests {
    @Test func appendedFileResumesAfterTheLastRow() async throws {
        let file = try CSVFile("symbol,price_usd\nBTC,1\nETH,2\n")
        defer { file.remove() }
        let first = try await file.read()
        #expect(first.rows.count == 2)
        try file.append("SOL,3\nDOGE,4\n")
        let second = try await file.read(from: first.checkpoint)
        #expect(second.rows == [["symbol": "SOL", "price_usd": "3"], ["symbol": "DOGE", "price_usd": "4"]])
        #expect(second.lines == [4, 5])
    }

    @Test func unchangedFileYieldsNothing() async throws {
        let file = try CSVFile("symbol,price_usd\nBTC,1\n")
        defer { file.remove() }
        let first = try await file.read()
        let second = try await file.read(from: first.checkpoint)
        #expect(second.batches == 0)
    }

    @Test func replacedFileIsReadAgainFromTheStart() async throws {
        let file = try CSVFile("symbol,price_usd\nBTC,1\nETH,2\n")
        defer { file.remove() }
        let first = try await file.read()
        try file.replace(with: "symbol,price_usd\nBTC,10\nETH,20\nSOL,30\n")
        let second = try await file.read(from: first.checkpoint)
        #expect(second.rows.map { $0["price_usd"] } == ["10", "20", "30"])
    }

    @Test func truncatedFileIsReadAgainFromTheStart() async throws {
        let file = try CSVFile("symbol,price_usd\nBTC,1\nETH,2\n")
        defer { file.remove() }
        let first = try await file.read()
        try file.replace(with: "symbol,price_usd\nXRP,5\n")
        let second = try await file.read(from: first.checkpoint)
        #expect(second.rows == [["symbol": "XRP", "price_usd": "5"]])
    }

    @Test func changedBytesBeforeTheOffsetMeanReplaced() async throws {
        let file = try CSVFile("symbol,price_usd\nBTC,1\nETH,2\n")
        defer { file.remove() }
        let first = try await file.read()
        try file.replace(with: "symbol,price_usd\nBTC,1\nETH,9\nSOL,3\n")
        let second = try await file.read(from: first.checkpoint)
        #expect(second.rows.map { $0["symbol"] } == ["BTC", "ETH", "SOL"])
    }

    @Test func headerOnlyCheckpointResumesWithTheHeader() async throws {
        let file = try CSVFile("symbol,price_usd\n")
        defer { file.remove() }
        let first = try await file.read()
        try file.append("BTC,1\n")
        let second = try await file.read(from: first.checkpoint)
        #expect(second.rows == [["symbol": "BTC", "price_usd": "1"]])
        #expect(second.lines == [2])
    }

    @Test func checkpointOfAnotherKindIsIgnored() async throws {
        let file = try CSVFile("symbol,price_usd\nBTC,1\n")
        defer { file.remove() }
        let pass = try await file.read(from: Checkpoint(kind: "coingecko", state: "{}"))
        #expect(pass.rows.count == 1)
    }
}
