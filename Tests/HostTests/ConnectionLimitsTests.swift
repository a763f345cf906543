import Foundation
import Testing
import TestSupport

/// Connections cannot be held open for free: a silent connection and one that never finishes its
/// request head are closed after `server.idle_timeout`, and an HTTP/1.0 answer closes its connection.
@Suite struct ConnectionLimitsTests {
    /// A raw TCP connection to the host, to send bytes and see when the server closes it.
    struct RawConnection {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw LiveHostFailure(message: "cannot connect") }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func send(_ text: String) {
            _ = text.withCString { Glibc.send(fd, $0, strlen($0), 0) }
        }

        /// Reads until the server closes the connection; returns what came and how long it took
        /// (`nil` when it stayed open for the 10 s receive timeout).
        func readUntilClosed() -> (String, Duration)? {
            let start = ContinuousClock.now
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count == 0 { return (String(decoding: received, as: UTF8.self), ContinuousClock.now - start) }
                if count < 0 { return nil }
                received += buffer[0..<count]
            }
        }

        func close() { Glibc.close(fd) }
    }

    @Test func silentAndUnfinishedConnectionsAreClosedAndHTTP10ClosesAfterItsAnswer() async throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "symbol,name,price_usd\nBTC,Bitcoin,1\n".write(to: directory.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try """
        store: {url: "sqlite:db/etl.sqlite"}
        server: {idle_timeout: 1s}
        pipelines: [{name: a, source: {type: csv, path: a.csv}}]
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: ["LOG_LEVEL": "critical"])
        defer { host.started.process.terminate() }

        let silent = try RawConnection(port: host.port)
        defer { silent.close() }
        let closed = try #require(silent.readUntilClosed(), "a silent connection stayed open")
        #expect(closed.1 < .seconds(5))

        let unfinished = try RawConnection(port: host.port)
        defer { unfinished.close() }
        unfinished.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        #expect(unfinished.readUntilClosed() != nil, "a request head never finished kept its connection")

        let old = try RawConnection(port: host.port)
        defer { old.close() }
        old.send("GET /health HTTP/1.0\r\n\r\n")
        let answer = try #require(old.readUntilClosed(), "an HTTP/1.0 connection stayed open after its answer")
        #expect(answer.0.hasPrefix("HTTP/1.0 200") || answer.0.hasPrefix("HTTP/1.1 200"), "\(answer.0.prefix(200))")
        #expect(answer.1 < .milliseconds(900), "closed only by the idle timeout: \(answer.1)")
    }

    @Test func aTakenPortNamesTheAddressAndTheKeyToChange() async throws {
        let directory = try Paths.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Hold a port: listen on it, so that the host cannot.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let held = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        #expect(held && listen(fd, 1) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        try """
        store: {url: "sqlite:db/etl.sqlite"}
        server: {port: \(port)}
        pipelines: [{name: a, source: {type: csv, path: a.csv}}]
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let output = try await HostProcess.run(["run", "p.yaml"], in: directory, environment: ["LOG_LEVEL": "critical"])
        #expect(output.status == 1)
        #expect(
            output.stderr.contains(
                "error: cannot listen on 127.0.0.1:\(port): the address is already in use (another process listens there); "
                    + "choose another port with server.port in p.yaml (or PORT)"), "\(output.stderr)")
    }
}
