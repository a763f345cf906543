import Foundation

/// Locations the tests need: the package root, the recorded fixtures, scratch directories.
package enum Paths {
    /// The package root (the directory holding Package.swift).
    package static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// A recorded payload from `Tests/Fixtures` (or the shared fixtures beside the checkout).
    package static func fixture(_ name: String) -> URL {
        let candidates = [
            packageRoot.appendingPathComponent("Tests/Fixtures/\(name)"),
            packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/\(name)"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    }

    /// A new empty directory, removed by the caller with `removeItem` when done.
    package static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("etl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The built `host` executable, next to the test bundle.
    package static var hostExecutable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [beside, beside.deletingLastPathComponent(), packageRoot.appendingPathComponent(".build/debug")] {
            let candidate = directory.appendingPathComponent("host")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/host")
    }
}
