import CSVFileAdapter
import ETLFramework
import Foundation
import Logging

/// Everything one pass over a CSV file produced.
struct CSVPass {
    var rows: [[String: String]] = []
    var lines: [Int] = []
    var rejections: [Rejection] = []
    var checkpoint: Checkpoint?
    var batches = 0
}

/// A CSV file in a scratch directory, read through the real source.
struct CSVFile {
    let directory: URL
    let url: URL

    init(_ bytes: [UInt8], name: String = "data.csv") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("csv-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
    }

    init(_ text: String, name: String = "data.csv") throws {
        try self.init(Array(text.utf8), name: name)
    }

    func append(_ text: String) throws {
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func replace(with text: String) throws {
        try Data(text.utf8).write(to: url)
    }

    func read(from checkpoint: Checkpoint? = nil, batchSize: Int = 1000) async throws -> CSVPass {
        let source = CSVSource(path: url.path, displayPath: "data.csv")
        var reader = try await source.open(resumingFrom: checkpoint, logger: Logger(label: "test"))
        var pass = CSVPass(checkpoint: checkpoint)
        while let batch = try await reader.nextBatch(maxRecords: batchSize) {
            pass.batches += 1
            for record in batch.records {
                guard case .object(let fields) = record.payload else { continue }
                pass.rows.append(Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.value.scalarText ?? "") }))
                pass.lines.append(record.location.line ?? -1)
            }
            pass.rejections += batch.rejections
            pass.checkpoint = batch.checkpoint
        }
        return pass
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
