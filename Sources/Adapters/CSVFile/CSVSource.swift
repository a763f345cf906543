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
    /// when the file cannot be read or holds nothing.
    package func peekFieldNames(logger: Logger) async throws -> [String]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var fileHeader: [String]?
        if columns.headerRow {
            var scanner = try CSVScanner(handle: handle, offset: 0, line: 1)
            guard case .record(let fields, _, _)? = try scanner.next() else { return nil }
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
        let handle: FileHandle
        let attributes: [FileAttributeKey: Any]
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw CSVSourceError(path: displayPath, reason: "cannot open the file (\(Self.describe(error)))")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date) ?? Date()
        var state = checkpoint?.decode(CSVCheckpointState.self, kind: type)
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
            }
        }
        return try CSVRowReader(
            handle: handle, displayPath: displayPath, size: size, modified: modified, columns: columns, resume: state)
    }

    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}

/// A CSV file that could not be read at all.
package struct CSVSourceError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var reason: String

    package var description: String { "\(path): \(reason)" }
}
