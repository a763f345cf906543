import Foundation
import Testing
import TestSupport

/// What another package can depend on: the library products `swift package dump-package` lists.
@Suite struct PackageProductsTests {
    @Test func theFrameworkTheHostEveryPluginAndTheAcceptanceKitAreProducts() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // A scratch path of its own, so that the test does not wait on the build directory's lock.
        let output = try Command.run(
            "/usr/bin/env", ["swift", "package", "--package-path", Paths.packageRoot.path, "--scratch-path", scratch, "dump-package"])
        let manifest = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let products = (manifest?["products"] as? [[String: Any]]) ?? []
        let libraries = Set(products.filter { ($0["type"] as? [String: Any])?["library"] != nil }.compactMap { $0["name"] as? String })
        #expect(
            libraries == [
                "ETLFramework", "ETLHost", "ETLTesting", "StandardPlugins", "CSVFileAdapter", "CoinPaprikaAdapter", "CoinGeckoAdapter",
                "HTTPJSONAdapter", "HTTPSourceKit", "StandardTransforms", "ETLPostgresStore", "ETLSQLiteStore", "ETLTelemetry",
            ])
        let executables = products.filter { ($0["type"] as? [String: Any])?["executable"] != nil }.compactMap { $0["name"] as? String }
        #expect(executables == ["host"])
    }
}
