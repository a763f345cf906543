import Foundation
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `host run` process serving on a free loopback port, for end-to-end tests over real HTTP.
struct LiveHost {
    let started: HostProcess.Started
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `host run FILE` in `directory` and waits until `/health` answers.
    static func start(file: String, in directory: URL, environment: [String: String]) async throws -> LiveHost {
        let port = try freePort()
        var environment = environment
        environment["PORT"] = "\(port)"
        let started = try HostProcess.start(["run", file], in: directory, environment: environment)
        let host = LiveHost(started: started, port: port)
        for _ in 0..<300 {
            if let (status, _) = try? await host.request("/health"), status == 200 || status == 503 { return host }
            guard started.process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        started.process.terminate()
        let errors = String(decoding: started.stderr.fileHandleForReading.availableData, as: UTF8.self)
        throw LiveHostFailure(message: "host did not start serving on port \(port): \(errors.suffix(2000))")
    }

    /// Sends a request and returns the status and the decoded JSON body.
    func request(_ path: String, method: String = "GET", headers: [String: String] = [:]) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = 10
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit status.
    func terminate() async throws -> Int32 {
        kill(started.process.processIdentifier, SIGTERM)
        for _ in 0..<300 where started.process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        if started.process.isRunning {
            kill(started.process.processIdentifier, SIGKILL)
            throw LiveHostFailure(message: "host did not stop within 30 s of SIGTERM")
        }
        return started.process.terminationStatus
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw LiveHostFailure(message: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct LiveHostFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
