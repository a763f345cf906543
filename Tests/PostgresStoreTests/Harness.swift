import CSVFileAdapter
import ETLFramework
import Foundation
import ETLPostgresStore
import TestSupport

/// Runs CSV pipelines into a test database through the real runner and store.
struct Harness {
    let database: TestDatabase
    let store: PostgresStore
    let directory: URL

    func write(_ name: String, _ text: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func append(_ name: String, _ text: String) throws {
        let handle = try FileHandle(forWritingTo: directory.appendingPathComponent(name))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func pipeline(_ name: String, file: String, batchSize: Int = 1000, config: NormalizeConfig = NormalizeConfig()) -> Pipeline {
        let source = CSVSource(path: directory.appendingPathComponent(file).path, displayPath: file)
        return Pipeline(
            name: name, source: source,
            transforms: TransformChain(normalizer: Normalizer(mapping: CSVSource.defaultMapping, config: config)),
            batchSize: batchSize, schedule: nil)
    }

    @discardableResult
    func run(_ name: String, file: String, batchSize: Int = 1000, config: NormalizeConfig = NormalizeConfig()) async throws -> RunReport {
        try await PipelineRunner(store: store).run(
            pipeline(name, file: file, batchSize: batchSize, config: config), trigger: .cli, logger: TestLog.logger)
    }

    func count(_ table: String) async throws -> Int {
        Int(try await database.scalar("SELECT count(*) FROM \(table)") ?? "") ?? -1
    }

    /// The unified record of `ticker` as (source asset id, price text, source).
    func unified(_ ticker: String) async throws -> [String?]? {
        try await database.rows(
            "SELECT source_asset_id, price_usd::text, source, name FROM normalized_records WHERE id = '\(ticker)'"
        ).first
    }

    static func with(_ body: @Sendable (Harness) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            try await database.withStore { store in
                let directory = try Paths.scratchDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                try await body(Harness(database: database, store: store, directory: directory))
            }
        }
    }
}

let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"
