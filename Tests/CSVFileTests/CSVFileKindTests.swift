import CSVFileAdapter
import ETLFramework
import Foundation
import Logging
import Testing

/// What a CSV source refuses before reading, and what it notices about a file it read before.
@Suite struct CSVFileKindTests {
    static func openError(_ path: String) async -> String? {
        do {
            _ = try await CSVSource(path: path, displayPath: "data.csv").open(resumingFrom: nil, logger: Logger(label: "test"))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aFIFOIsRefusedWithItsReasonWithoutWaitingForAWriter() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("data.csv").path
        #expect(mkfifo(path, 0o600) == 0)
        // Opening a FIFO for reading blocks until a writer comes, unless done without blocking.
        #expect(await Self.openError(path) == "data.csv: it is a FIFO (named pipe), not a regular file; only regular files are read")
    }

    @Test func aCharacterDeviceIsRefused() async throws {
        #expect(await Self.openError("/dev/zero") == "data.csv: it is a character device, not a regular file; only regular files are read")
    }

    @Test func aDirectoryIsRefusedInPlainWords() async throws {
        let error = try #require(await Self.openError(FileManager.default.temporaryDirectory.path))
        #expect(error == "data.csv: it is a directory, not a regular file; only regular files are read")
        #expect(!error.contains("NSCocoaErrorDomain"))
    }

    @Test func aMissingFileSaysSo() async throws {
        #expect(await Self.openError("/nonexistent/data.csv") == "data.csv: cannot open the file (No such file or directory)")
    }

    @Test func aHeaderLineTooLongToBeAHeaderFailsTheFile() async throws {
        let file = try CSVFile(String(repeating: "a", count: 2 << 20) + "\nBTC,1\nETH,2\n")
        defer { file.remove() }
        do {
            _ = try await file.read()
            Issue.record("the file was read")
        } catch {
            #expect(
                "\(error)"
                    == "data.csv:1: the header line is longer than 1048576 bytes, too long to be a header; is this a CSV file?")
        }
    }

    @Test func aFileRewrittenInPlaceWithTheSameSizeAndTimeIsReadAgain() async throws {
        let rows = (0..<20_000).map { "T\($0),\($0 % 1000).5" }
        let file = try CSVFile("symbol,price_usd\n" + rows.joined(separator: "\n") + "\n")
        defer { file.remove() }
        var original = stat()
        #expect(stat(file.url.path, &original) == 0)
        let first = try await file.read()
        #expect(first.rows.count == 20_000)
        // Change rows in the middle, keeping the size and the modification time (`rsync -t`, a restore).
        var changed = rows
        for index in 8_000..<12_000 { changed[index] = changed[index].replacingOccurrences(of: ".5", with: ".7") }
        try file.replace(with: "symbol,price_usd\n" + changed.joined(separator: "\n") + "\n")
        // `touch -r`: the very same modification time, to the nanosecond.
        var times = [original.st_atim, original.st_mtim]
        #expect(utimensat(AT_FDCWD, file.url.path, &times, 0) == 0)
        var after = stat()
        #expect(stat(file.url.path, &after) == 0)
        #expect(after.st_size == original.st_size)
        #expect(after.st_mtim.tv_sec == original.st_mtim.tv_sec && after.st_mtim.tv_nsec == original.st_mtim.tv_nsec)

        let source = CSVSource(path: file.url.path, displayPath: "data.csv")
        var reader = try await source.open(resumingFrom: first.checkpoint, logger: Logger(label: "test"))
        var read = 0
        while let batch = try await reader.nextBatch(maxRecords: 5_000) { read += batch.records.count }
        #expect(read == 20_000)
        #expect(
            reader.summary
                == "data.csv was read again from the start: the file changed since it was read "
                + "(its content changed (same first and last bytes, different bytes between them))")
    }

    @Test func anUntouchedFileIsStillUnchanged() async throws {
        let file = try CSVFile("symbol,price_usd\n" + (0..<5_000).map { "T\($0),1" }.joined(separator: "\n") + "\n")
        defer { file.remove() }
        let first = try await file.read()
        let second = try await file.read(from: first.checkpoint)
        #expect(second.batches == 0)
    }
}
