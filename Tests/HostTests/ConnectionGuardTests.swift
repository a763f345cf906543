import Foundation
import Testing
import TestSupport

/// What the server answers before the API sees a request: requests too large to read, connections
/// beyond `server.max_connections`, and many idle connections at once.
@Suite(.serialized) struct ConnectionGuardTests {
    /// A raw TCP exchange: sends `request` whole, then reads until the server closes (at most `limit`).
    static func exchange(port: Int, _ request: [UInt8], limit: Duration = .seconds(5)) throws -> (answer: String, closedIn: Duration?) {
        let descriptor = try connectSocket(port: port)
        defer { close(descriptor) }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { break }  // the server stopped reading: its answer is waiting
            sent += written
        }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var answer: [UInt8] = []
        let started = ContinuousClock.now
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while ContinuousClock.now - started < limit {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return (String(decoding: answer, as: UTF8.self), ContinuousClock.now - started) }
            if count > 0 { answer += buffer[0..<count] } else if errno != EAGAIN && errno != EWOULDBLOCK { break }
        }
        return (String(decoding: answer, as: UTF8.self), nil)
    }

    static func connectSocket(port: Int) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let connected = withLoopbackAddress(port: port) { connect(descriptor, $0, $1) }
        guard connected == 0 else {
            close(descriptor)
            throw LiveHostFailure(message: "cannot connect to \(port): errno \(errno)")
        }
        return descriptor
    }

    static func scratch(server: String) throws -> URL {
        let directory = try Paths.scratchDirectory()
        try PipelineMistakesCLITests.oneRow.write(to: directory.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try """
        store: {url: "sqlite:db/etl.sqlite"}
        server: \(server)
        pipelines: [{name: a, source: {type: csv, path: a.csv}}]
        """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// The head's header fields (lower-cased names) and the JSON body of a raw answer.
    static func parse(_ answer: String) -> (status: Int, headers: [String: String], body: [String: Any]) {
        let parts = answer.components(separatedBy: "\r\n\r\n")
        let lines = parts[0].components(separatedBy: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = parts.count > 1 ? (try? JSONSerialization.jsonObject(with: Data(parts[1].utf8))) as? [String: Any] ?? [:] : [:]
        return (status, headers, body)
    }

    @Test func requestsTooLargeToReadGetTheAPIsErrorAndTheConnectionCloses() async throws {
        let directory = try Self.scratch(server: "{}")
        defer { try? FileManager.default.removeItem(at: directory) }
        let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: ["LOG_LEVEL": "error"])
        defer { kill(host.started.process.processIdentifier, SIGKILL) }
        let requests = [
            "a 1 MiB header": "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 1 << 20))\r\n\r\n",
            "a 1 MiB URL": "GET /data?q=\(String(repeating: "b", count: 1 << 20)) HTTP/1.1\r\nHost: x\r\n\r\n",
            "20,000 query parameters": "GET /data?\((0..<20_000).map { "p\($0)=1" }.joined(separator: "&")) HTTP/1.1\r\nHost: x\r\n\r\n",
        ]
        for (name, request) in requests {
            let (answer, closedIn) = try await offThePool { try Self.exchange(port: host.port, Array(request.utf8)) }
            let (status, headers, body) = Self.parse(answer)
            #expect(status == 400, "\(name): \(answer.prefix(300))")
            #expect(headers["content-type"] == "application/json; charset=utf-8", "\(name)")
            #expect(headers["x-request-id"]?.isEmpty == false, "\(name)")
            #expect(headers["x-content-type-options"] == "nosniff", "\(name)")
            #expect((body["error"] as? [String: Any])?["code"] as? String == "bad_request", "\(name): \(answer.prefix(300))")
            #expect(closedIn.map { $0 < .seconds(3) } == true, "\(name): the connection was not closed")
        }
        // The host goes on serving.
        #expect(try await host.request("/health").0 == 200)
    }

    @Test func connectionsBeyondTheLimitGetOneAnswerAndHealthStillAnswers() async throws {
        let directory = try Self.scratch(server: "{max_connections: 10}")
        defer { try? FileManager.default.removeItem(at: directory) }
        let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: ["LOG_LEVEL": "error"])
        defer { kill(host.started.process.processIdentifier, SIGKILL) }
        let idle = try (0..<10).map { _ in try Self.connectSocket(port: host.port) }
        defer { idle.forEach { close($0) } }
        try await Task.sleep(for: .milliseconds(300))
        let health = try await offThePool { try Self.exchange(port: host.port, Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) }
        #expect(Self.parse(health.answer).status == 200, "\(health.answer.prefix(300))")
        #expect(health.closedIn != nil, "an over-limit connection is closed after its answer")
        let data = try await offThePool { try Self.exchange(port: host.port, Array("GET /data HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) }
        let (status, headers, body) = Self.parse(data.answer)
        #expect(status == 503, "\(data.answer.prefix(300))")
        #expect(headers["retry-after"] == "5")
        #expect((body["error"] as? [String: Any])?["code"] as? String == "over_capacity")
    }

    @Test func fifteenHundredIdleConnectionsLeaveHealthAnswering() async throws {
        let directory = try Self.scratch(server: "{}")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try LiveHost.freePort()
        // Started with the usual default soft limit of 1,024 open files: the host raises it.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -Sn 1024 && exec \"$0\" run p.yaml", Paths.hostExecutable.path]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["PORT"] = "\(port)"
        environment["LOG_LEVEL"] = "info"
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL) }
        let host = LiveHost(started: HostProcess.Started(process: process, stdout: Pipe(), stderr: stderr), port: port)
        #expect(try await eventually(30) { (try? await host.request("/health").0) == 200 })
        let idle = try (0..<1_500).map { _ in try Self.connectSocket(port: port) }
        defer { idle.forEach { close($0) } }
        try await Task.sleep(for: .seconds(1))
        for _ in 0..<5 {
            let started = ContinuousClock.now
            let health = try await offThePool {
                try Self.exchange(port: port, Array("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            }
            #expect(Self.parse(health.answer).status == 200, "\(health.answer.prefix(300))")
            // Answered, not starved: a generous bound, since the whole suite shares two cores.
            #expect(ContinuousClock.now - started < .seconds(10))
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("open-file limit raised to the hard limit"), "\(log.prefix(2000))")
    }
}
