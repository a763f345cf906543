import Foundation
import TestSupport

/// Runs the built `host` executable as a child process.
struct HostProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `host ARGS` to completion in `directory` with `environment` added to this process's own.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Output {
        let process = try start(arguments, in: directory, environment: environment)
        let stdout = process.stdout.fileHandleForReading.readDataToEndOfFile()
        let stderr = process.stderr.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return Output(
            status: process.process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// ``run(_:in:environment:)`` on a thread of its own, for async tests.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> Output {
        try await offThePool { try run(arguments, in: directory, environment: environment) }
    }

    struct Started {
        var process: Process
        var stdout: Pipe
        var stderr: Pipe
    }

    static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Started {
        let process = Process()
        process.executableURL = Paths.hostExecutable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        env.removeValue(forKey: "CSV_PATH")
        env.merge(environment) { _, new in new }
        process.environment = env
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return Started(process: process, stdout: stdout, stderr: stderr)
    }
}
