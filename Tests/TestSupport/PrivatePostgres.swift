import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A durable PostgreSQL server of a test's own (`scripts/pg.sh start --durable`: a crash loses no commit), so that the test can stop, crash, stall
/// and resume it without touching any other test's database.
package final class PrivatePostgres: Sendable {
    package let directory: String
    package let bin: String
    /// `postgres://etl:...@127.0.0.1:PORT/etl?sslmode=disable`
    package let url: String

    /// `127.0.0.1:PORT`, the name a store shows a replica under.
    package var address: String {
        String(url.split(separator: "@")[1].split(separator: "/")[0])
    }

    /// Starts a new server (initdb into a temporary directory).
    package static func start() async throws -> PrivatePostgres {
        try await offThePool { try PrivatePostgres() }
    }

    convenience init() throws {
        try self.init(output: try Self.script(["start", "--durable"]))
    }

    /// Starts a streaming replica of this server (`pg.sh replica`), a server of its own.
    package func replica() async throws -> PrivatePostgres {
        try await offThePool { [url] in try PrivatePostgres(output: try Self.script(["replica", url])) }
    }

    init(output: String) throws {
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let directory = values["PG_DIR"], let bin = values["PG_BIN"], let url = values["TEST_DATABASE_URL"] else {
            throw Failure(message: "pg.sh start printed no server: \(output)")
        }
        self.directory = directory
        self.bin = bin
        self.url = url
    }

    /// Stops the server and removes its files.
    package func stop() { _ = try? Self.script(["stop", directory]) }

    /// Stops the server at once, as a crash would, keeping its data.
    package func halt() async throws { _ = try await offThePool { [directory] in try Self.script(["halt", directory]) } }

    /// Stops the server as `pg_ctl stop -m fast` does (its sessions are closed), keeping its data.
    package func shutdown() async throws { _ = try await offThePool { [directory] in try Self.script(["shutdown", directory]) } }

    /// Starts a halted server again on the same port.
    package func resume() async throws { _ = try await offThePool { [directory] in try Self.script(["resume", directory]) } }

    /// Freezes the server (SIGSTOP to the postmaster and every backend): connections stay open and
    /// nothing answers, as with a hung host.
    package func stall() async throws { try await offThePool { try self.signal("-STOP") } }

    /// Lets a stalled server go on.
    package func unstall() async throws { try await offThePool { try self.signal("-CONT") } }

    func signal(_ name: String) throws {
        let pidFile = try String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8)
        guard let postmaster = pidFile.split(separator: "\n").first.map(String.init) else { throw Failure(message: "no postmaster pid") }
        // A stop goes to the postmaster first: stopped, it forks no new backend, so the listing below
        // holds every process that could still answer (listed first, a backend forked for a new
        // connection in between kept answering). A continue goes to it last.
        if name == "-STOP" { _ = try Command.run("/bin/kill", [name, postmaster]) }
        let children = try Command.run("/usr/bin/pgrep", ["-P", postmaster]).split(separator: "\n").map(String.init)
        // One at a time: a backend may exit between the listing and its signal (once another one
        // runs again), which is no failure; the postmaster's signal must arrive.
        for child in children { _ = try? Command.run("/bin/kill", [name, child]) }
        if name != "-STOP" { _ = try Command.run("/bin/kill", [name, postmaster]) }
    }

    /// The first column of the first row of `sql`, run with psql.
    package func scalar(_ sql: String) async throws -> String {
        try await offThePool { try self.scalarNow(sql) }
    }

    func scalarNow(_ sql: String) throws -> String {
        try Command.run(bin + "/psql", [url.replacingOccurrences(of: "?sslmode=disable", with: ""), "-qAtc", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func script(_ arguments: [String]) throws -> String {
        try Command.run(Paths.packageRoot.appendingPathComponent("scripts/pg.sh").path, arguments)
    }

    package struct Failure: Error, CustomStringConvertible {
        package var message: String
        package var description: String { message }
        package init(message: String) { self.message = message }
    }
}
