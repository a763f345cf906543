import CSVFileAdapter
import ETLFramework
import ETLTesting
import Foundation
import Testing
import TestSupport

/// The CSV source passes the source suite of `ETLTesting` on a real file, and on one with a ragged
/// row, a row that is not UTF-8 and an unterminated quote.
@Suite struct CSVAcceptanceTests {
    static let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"
    static let rows = (1...7).map { "T\($0),Token \($0),\($0).5,\($0)000,1,0.1,2025-01-01T00:00:0\($0)Z\n" }

    @Test func theCSVSourcePassesTheSourceSuite() async throws {
        let good = try CSVFile(Self.header + Self.rows.joined())
        defer { good.remove() }
        var bad: [UInt8] = Array((Self.header + Self.rows[0] + Self.rows[1] + "R1,ragged\n").utf8)
        bad += Array("U1,Bad \u{FF}".utf8).dropLast(2) + [0xFF, 0xFE] + Array(",1,1,1,1,2025-01-01T00:00:00Z\n".utf8)
        bad += Array((Self.rows[2] + "Q1,\"open quote,1,1,1,1,2025-01-01T00:00:00Z\n").utf8)
        let badFile = try CSVFile(bad, name: "bad.csv")
        defer { badFile.remove() }
        let suite = SourceAcceptance(
            source: CSVSource(path: good.url.path, displayPath: "data.csv"), expectedRecords: 7,
            badInput: CSVSource(path: badFile.url.path, displayPath: "bad.csv"), logger: TestLog.logger)
        let report = await suite.run()
        #expect(report.results.count == 6)
        #expect(report.passed, "\(report)")
    }
}
