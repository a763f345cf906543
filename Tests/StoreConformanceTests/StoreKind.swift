import CSVFileAdapter
import ETLFramework
import Foundation
import ETLPostgresStore
import ETLSQLiteStore
import TestSupport

/// Writes CSV files and runs them through the real runner into a store.
struct CSVLoader {
    let store: any Store
    let directory: URL

    static let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"

    func write(_ name: String, _ rows: String) throws {
        try Data((Self.header + rows).utf8).write(to: directory.appendingPathComponent(name))
    }

    func append(_ name: String, _ rows: String) throws {
        let handle = try FileHandle(forWritingTo: directory.appendingPathComponent(name))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(rows.utf8))
        try handle.close()
    }

    @discardableResult
    func run(
        _ pipeline: String, file: String, batchSize: Int = 1000, mapping: FieldMapping? = nil,
        columns: CSVColumns = CSVColumns(), normalize: NormalizeConfig = NormalizeConfig(), checks: RunChecks = RunChecks()
    ) async throws -> RunReport {
        let source = CSVSource(path: directory.appendingPathComponent(file).path, displayPath: file, columns: columns)
        let pipeline = Pipeline(
            name: pipeline, source: source,
            transforms: TransformChain(
                normalizer: Normalizer(
                    mapping: CSVSource.defaultMapping.overridden(by: mapping), config: normalize)),
            batchSize: batchSize, schedule: nil, checks: checks)
        return try await PipelineRunner(store: store).run(pipeline, trigger: .cli, logger: TestLog.logger)
    }

    /// Writes `text` as the whole file, header included.
    func writeRaw(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    func rejections(_ report: RunReport) async throws -> [Rejection] {
        try await store.run(id: report.runID, rejectionLimit: 100, logger: TestLog.logger)?.rejections ?? []
    }

    func unified(_ ticker: String) async throws -> UnifiedRecord? {
        try await store.unifiedRecord(ticker: ticker, logger: TestLog.logger)
    }

    func all(_ query: RecordQuery = RecordQuery(limit: 200)) async throws -> Page<UnifiedRecord> {
        try await store.unifiedRecords(query, logger: TestLog.logger)
    }
}
