import ETLFramework
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import Synchronization

/// The embedded store: one SQLite file in WAL mode, with the same semantics as the PostgreSQL store
/// (one transaction per batch with its checkpoint, the collision rule, quarantine, history).
///
/// One host process owns the file: opening takes an exclusive lock on `<path>.lock`, and a second
/// process refuses to start. Writes go through one connection, one transaction at a time; reads use
/// another, which WAL lets run while a batch is written.
package struct SQLiteStore: Store {
    package let path: String
    /// How long observations and raw payloads are kept (see ``maintain(now:logger:)``).
    package let retention: RetentionPolicy
    let state: SQLiteState

    package init(path: String, retention: RetentionPolicy = RetentionPolicy()) {
        self.path = path
        self.retention = retention
        self.state = SQLiteState()
    }

    package func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        await state.close()
    }

    /// The write connection, opened (with the ownership lock and WAL) on first use.
    func writer() async throws -> SQLiteConnection {
        try await state.connections(path: path).writer
    }

    func reader() async throws -> SQLiteConnection {
        try await state.connections(path: path).reader
    }

    /// Runs `body` inside one write transaction (`BEGIN IMMEDIATE` ... `COMMIT`, rolled back on error).
    func transaction<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try await writer()
        return try await state.gate.withLock {
            _ = try await connection.query("BEGIN IMMEDIATE")
            do {
                let result = try await body(connection)
                _ = try await connection.query("COMMIT")
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }
}

/// The connections and lock file of an open store.
final class SQLiteState: Sendable {
    struct Open: Sendable {
        var writer: SQLiteConnection
        var reader: SQLiteConnection
        var lockDescriptor: Int32
        /// The connections' own threads: a long batch write never delays a read (or a health
        /// check) by holding a thread of a shared pool, and busy readers never delay the writer.
        var threads: [NIOThreadPool]
    }

    /// The write connection's page cache, in KiB.
    static let writerCacheKiB = 16 * 1024
    /// WAL pages between automatic checkpoints (and the WAL's size kept after one, at 4 KiB pages).
    static let walCheckpointPages = 4_000

    private let open = Mutex<Open?>(nil)
    let gate = AsyncLock()
    let opening = AsyncLock()
    let listeners = Mutex<[Int: @Sendable () -> Void]>([:])
    /// Pipelines running in this process (the file has one owner, so this is the run lock).
    let runLocks = Mutex<Set<String>>([])
    let nextListener = Mutex(0)

    func connections(path: String) async throws -> Open {
        if let current = open.withLock({ $0 }) { return current }
        return try await opening.withLock {
            if let current = self.open.withLock({ $0 }) { return current }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            let descriptor = Foundation.open(path + ".lock", O_CREAT | O_RDWR, 0o644)
            guard descriptor >= 0 else { throw SQLiteStoreError(reason: "cannot create \(path).lock: \(String(cString: strerror(errno)))") }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                Foundation.close(descriptor)
                throw SQLiteStoreError(reason: "another host process owns \(path) (it holds \(path).lock); stop it, or give this one its own store")
            }
            let writerThreads = NIOThreadPool(numberOfThreads: 1)
            let readerThreads = NIOThreadPool(numberOfThreads: 2)
            writerThreads.start()
            readerThreads.start()
            let loop = MultiThreadedEventLoopGroup.singleton.any()
            let writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: writerThreads, on: loop)
            _ = try await writer.query("PRAGMA journal_mode = WAL")
            _ = try await writer.query("PRAGMA synchronous = NORMAL")
            _ = try await writer.query("PRAGMA busy_timeout = 5000")
            // A batch touches pages all over the random-keyed indexes: with SQLite's default 2 MiB
            // page cache it spills dirty pages to the WAL mid-transaction and reads them back.
            _ = try await writer.query("PRAGMA cache_size = -\(Self.writerCacheKiB)")
            // SQLite copies the WAL back into the database every 1,000 pages by default: a load of many
            // batches then rewrites the same scattered index pages at every checkpoint. Every 4,000
            // pages (16 MiB), a 300,000-row load took 9.8-9.9 s instead of 10.6-11.8 s (every 16,000:
            // 9.6-10.6 s, but the WAL then needs 64 MiB of disk beside a database of any size).
            _ = try await writer.query("PRAGMA wal_autocheckpoint = \(Self.walCheckpointPages)")
            _ = try await writer.query("PRAGMA journal_size_limit = \(Self.walCheckpointPages * 4096)")
            let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: readerThreads, on: loop)
            _ = try await reader.query("PRAGMA busy_timeout = 5000")
            let opened = Open(writer: writer, reader: reader, lockDescriptor: descriptor, threads: [writerThreads, readerThreads])
            self.open.withLock { $0 = opened }
            return opened
        }
    }

    func close() async {
        guard
            let current = open.withLock({ state -> Open? in
                defer { state = nil }
                return state
            })
        else { return }
        // The future-based close runs even when this task is cancelled (it is, at shutdown).
        let closing: [EventLoopFuture<Void>] = [current.reader.close(), current.writer.close()]
        for future in closing { try? await future.get() }
        for threads in current.threads { try? await threads.shutdownGracefully() }
        flock(current.lockDescriptor, LOCK_UN)
        Foundation.close(current.lockDescriptor)
    }

    /// Tells every watcher that something changed.
    func changed() {
        for listener in listeners.withLock({ Array($0.values) }) { listener() }
    }
}

/// A problem with the SQLite store, in words fit for the run history.
package struct SQLiteStoreError: Error, Sendable, CustomStringConvertible {
    package var reason: String
    package var description: String { "SQLite store: \(reason)" }

    static func wrap(_ error: any Error, while operation: String) -> SQLiteStoreError {
        if let error = error as? SQLiteStoreError { return error }
        return SQLiteStoreError(reason: "\(operation): \(error)")
    }
}
