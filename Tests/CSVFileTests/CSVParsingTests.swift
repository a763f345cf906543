import CSVFileAdapter
import ETLFramework
import Foundation
import Testing

@Suite struct CSVParsingTests {
    func read(_ text: String, batchSize: Int = 1000) async throws -> CSVPass {
        let file = try CSVFile(text)
        defer { file.remove() }
        return try await file.read(batchSize: batchSize)
    }

    @Test func quotedFieldsKeepCommasQuotesAndNewlines() async throws {
        let pass = try await read("symbol,name\r\n\"BTC\",\"Bit, \"\"coin\"\"\nline two\"\r\nETH,Ether\r\n")
        #expect(pass.rows == [["symbol": "BTC", "name": "Bit, \"coin\"\nline two"], ["symbol": "ETH", "name": "Ether"]])
        #expect(pass.lines == [2, 4])
        #expect(pass.rejections.isEmpty)
    }

    @Test func lfAndCrlfAndMissingFinalNewlineAreAllRead() async throws {
        let pass = try await read("a,b\nx,1\r\ny,2\nz,3")
        #expect(pass.rows.map { $0["a"] } == ["x", "y", "z"])
        #expect(pass.lines == [2, 3, 4])
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstColumn() async throws {
        let file = try CSVFile([0xEF, 0xBB, 0xBF] + Array("symbol,price_usd\nBTC,1\n".utf8))
        defer { file.remove() }
        let pass = try await file.read()
        #expect(pass.rows == [["symbol": "BTC", "price_usd": "1"]])
    }

    @Test func emptyFileYieldsNothing() async throws {
        let pass = try await read("")
        #expect(pass.rows.isEmpty && pass.rejections.isEmpty && pass.batches == 0)
    }

    @Test func headerOnlyFileYieldsACheckpointAndNoRows() async throws {
        let pass = try await read("symbol,price_usd\n")
        #expect(pass.rows.isEmpty && pass.rejections.isEmpty)
        #expect(pass.batches == 1)
        #expect(pass.checkpoint?.kind == "csv")
    }

    @Test func raggedRowsAreRejectedWithTheirLineAndTheRestGoesOn() async throws {
        let pass = try await read("a,b,c\n1,2,3\n4,5\n6,7,8,9\n\n10,11,12\n")
        #expect(pass.rows.count == 2)
        #expect(pass.lines == [2, 6])
        #expect(pass.rejections.map(\.location.line) == [3, 4])
        #expect(pass.rejections.map(\.reason) == ["row has 2 fields, the header has 3", "row has 4 fields, the header has 3"])
        #expect(pass.rejections[0].location.description == "data.csv:3")
    }

    @Test func invalidUTF8IsRejectedNotGuessed() async throws {
        let file = try CSVFile(Array("a,b\n".utf8) + [0x78, 0x2C, 0xFF, 0xFE, 0x0A] + Array("y,ok\n".utf8))
        defer { file.remove() }
        let pass = try await file.read()
        #expect(pass.rows == [["a": "y", "b": "ok"]])
        #expect(pass.rejections.map(\.reason) == ["field 2 is not valid UTF-8"])
        #expect(pass.rejections.map(\.location.line) == [2])
    }

    @Test func unterminatedQuoteAtEndOfFileIsRejected() async throws {
        let pass = try await read("a,b\nx,1\ny,\"never closed\n")
        #expect(pass.rows.count == 1)
        #expect(pass.rejections.map(\.reason) == ["unterminated quoted field at end of file"])
        #expect(pass.rejections.map(\.location.line) == [3])
    }

    @Test func textAfterAClosingQuoteIsRejected() async throws {
        let pass = try await read("a,b\n\"x\"y,1\nz,2\n")
        #expect(pass.rows.map { $0["a"] } == ["z"])
        #expect(pass.rejections.first?.reason == "unexpected character after the closing quote of field 1")
    }

    @Test func duplicateHeaderColumnsStopTheRead() async throws {
        await #expect(throws: CSVSourceError.self) { try await read("a,b,a\n1,2,3\n") }
    }

    @Test func missingFileIsAClearError() async throws {
        let source = CSVSource(path: "/nonexistent/prices.csv", displayPath: "prices.csv")
        do {
            _ = try await source.open(resumingFrom: nil, logger: .init(label: "test"))
            Issue.record("expected an error")
        } catch let error as CSVSourceError {
            #expect(error.description == "prices.csv: cannot open the file (No such file or directory)")
        }
    }

    @Test func recordsSpanningManyChunksAndBatchesAreAllRead() async throws {
        var text = "symbol,note\n"
        for index in 0..<20_000 { text += "S\(index),\"\(String(repeating: "x", count: index % 50)),\"\"q\"\"\"\n" }
        let pass = try await read(text, batchSize: 777)
        #expect(pass.rows.count == 20_000)
        #expect(pass.rows.last == ["symbol": "S19999", "note": String(repeating: "x", count: 19_999 % 50) + ",\"q\""])
        #expect(pass.lines.last == 20_001)
        #expect(pass.batches == (20_000 + 776) / 777)
    }
}
