import ETLFramework
import Foundation
import SQLiteNIO
import ETLSQLiteStore
import Testing
import TestSupport

/// SQLite migration 7: raw payloads move from a `WITHOUT ROWID` table keyed by their id to a rowid
/// table in arrival order with a unique index on the id. Every payload is kept, byte for byte.
@Suite struct SQLiteRawLayoutTests {
    @Test func aSchemaSixFileKeepsEveryRawPayloadAndStaysIdempotent() async throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("etl.sqlite").path
        let store = SQLiteStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            _ = try await store.migrate(upTo: 6, logger: TestLog.logger)
            let loader = CSVLoader(store: store, directory: directory)
            var rows = ""
            for index in 0..<300 {
                let day = 1 + index % 9
                rows += "T\(index % 40),Token \(index % 40),\(index + 1).25,\(index * 1000),7,0.5,2025-0\(day)-0\(day)T00:00:00Z\n"
            }
            rows += "BAD,Bad,-1,1,1,1,2025-01-01T00:00:00Z\n"
            try loader.write("a.csv", rows)
            let first = try await loader.run("csv", file: "a.csv", batchSize: 64)
            #expect(first.counters.quarantined == 1)

            let before = try await Self.rawRows(path)
            #expect(before.count == 301)
            #expect(try await Self.tableSQL(path).contains("WITHOUT ROWID"))

            #expect(try await store.migrate(logger: TestLog.logger) == ["7 raw payloads stored in arrival order"])
            #expect(try await Self.rawRows(path) == before)
            #expect(!(try await Self.tableSQL(path).contains("WITHOUT ROWID")))
            #expect(try await store.migrate(logger: TestLog.logger).isEmpty)

            // The unique index still refuses a second copy of a payload.
            let duplicate = try await Self.withConnection(path) { connection -> String? in
                do {
                    _ = try await connection.query(
                        "INSERT INTO raw_records SELECT * FROM raw_records WHERE id = (SELECT min(id) FROM raw_records)")
                    return nil
                } catch {
                    return String(describing: error)
                }
            }
            #expect(duplicate?.contains("UNIQUE") == true)

            // Reading the same file again adds nothing; a changed file adds only its new payloads.
            try loader.write("b.csv", rows)
            let again = try await loader.run("csv", file: "b.csv", batchSize: 64)
            #expect(again.counters.processed == 0)
            #expect(try await Self.rawRows(path) == before)
            try loader.append("b.csv", "NEW,New,3,3,3,3,2025-03-03T00:00:00Z\n")
            let more = try await loader.run("csv", file: "b.csv", batchSize: 64)
            #expect(more.counters.processed == 1)
            #expect(try await Self.rawRows(path).count == 302)
            #expect(try await loader.unified("NEW")?.priceUSD == "3")
        }
    }

    /// Every raw row, every column, ordered by id.
    static func rawRows(_ path: String) async throws -> [String] {
        try await withConnection(path) { connection in
            try await connection.query(
                """
                SELECT id || '|' || source || '|' || hex(content_hash) || '|' || coalesce(external_id, '-') || '|' || payload || '|'
                    || location || '|' || coalesce(line, '-') || '|' || run_id || '|' || ingested_at || '|' || coalesce(observed_at, '-') AS row
                FROM raw_records ORDER BY id
                """
            ).compactMap { $0.column("row")?.string }
        }
    }

    static func tableSQL(_ path: String) async throws -> String {
        try await withConnection(path) { connection in
            try await connection.query("SELECT sql FROM sqlite_master WHERE name = 'raw_records'").first?.column("sql")?.string ?? ""
        }
    }

    static func withConnection<T: Sendable>(_ path: String, _ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
