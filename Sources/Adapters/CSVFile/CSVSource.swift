import ETLFramework
import Foundation
import Logging

/// Reads a CSV file as a stream of rows, resuming after its checkpoint.
///
/// Each row becomes a raw record (header -> cell, plus its line number). Rows that cannot be read
/// (ragged, bad UTF-8, broken quoting) become rejections with their line and reason.
package struct CSVSource: Source {
    package let type = CSVCheckpointState.kind
    package let path: String
    /// The path as written in the configuration, used in messages.
    package let displayPath: String
    /// How the columns are named and which are kept.
    package let columns: CSVColumns
    package var receiptTimeMeaning: String { "the file's modification time" }

    /// The spec's columns: `symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at`.
    package static let defaultMapping = FieldMapping([
        .ticker: "symbol", .name: "name", .priceUSD: "price_usd", .marketCapUSD: "market_cap_usd",
        .volume24hUSD: "volume_24h_usd", .percentChange24h: "percent_change_24h", .observedAt: "created_at",
    ])

    package init(path: String, displayPath: String? = nil, columns: CSVColumns = CSVColumns()) {
        self.path = path
        self.displayPath = displayPath ?? path
        self.columns = columns
    }

    /// The columns a run would read (after naming and skipping), from the header line alone; `nil`
    /// when the file does not exist (yet) or holds nothing. A path that is not a regular file, or
    /// that cannot be read, throws.
    package func peekFieldNames(logger: Logger) async throws -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let handle: FileHandle
        do {
            handle = try RegularFile(opening: path, displayPath: displayPath).handle
        } catch {
            throw CSVSourceError(path: displayPath, reason: error.reason)
        }
        defer { try? handle.close() }
        var fileHeader: [String]?
        if columns.headerRow {
            var scanner = try CSVScanner(handle: handle, offset: 0, line: 1)
            guard let item = try scanner.next() else { return nil }
            if let error = CSVScanner.headerError(item, path: displayPath) { throw error }
            guard case .record(let fields, _, _) = item else { return nil }
            fileHeader = fields
        }
        do {
            let header = try columns.header(fromFile: fileHeader)
            return try columns.kept(in: header).map { header[$0] }
        } catch {
            throw CSVSourceError(path: displayPath, reason: error.reason)
        }
    }

    /// Reads the CSV file at `path` with this source's column settings.
    package func recorded(at path: String, logger: Logger) async throws -> any SourceReader {
        try await CSVSource(path: path, displayPath: path, columns: columns).open(resumingFrom: nil, logger: logger)
    }

    package func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
        let file: RegularFile
        do {
            file = try RegularFile(opening: path, displayPath: displayPath)
        } catch {
            throw CSVSourceError(path: displayPath, reason: error.reason)
        }
        let (handle, size, modified) = (file.handle, file.size, file.modified)
        var state = checkpoint?.decode(CSVCheckpointState.self, kind: type)
        var rereadReason: String?
        if let previous = state {
            switch try previous.verdict(for: handle, size: size) {
            case .unchanged:
                logger.info("file unchanged since the last run", metadata: ["path": "\(displayPath)"])
            case .appended:
                logger.info(
                    "resuming appended file",
                    metadata: [
                        "path": "\(displayPath)", "offset": "\(previous.offset)", "line": "\(previous.line)",
                    ])
            case .replaced(let reason):
                logger.warning(
                    "file was replaced; reading it again from the start",
                    metadata: [
                        "path": "\(displayPath)", "reason": "\(reason)",
                    ])
                state = nil
                rereadReason = "the file changed since it was read (\(reason))"
            }
        }
        return try CSVRowReader(
            handle: handle, displayPath: displayPath, size: size, modified: modified, columns: columns, resume: state,
            rereadReason: rereadReason)
    }
}

/// A CSV file that could not be read at all.
package struct CSVSourceError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var reason: String

    package var description: String { "\(path): \(reason)" }
}
