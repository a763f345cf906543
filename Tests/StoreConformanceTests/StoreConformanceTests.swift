import ETLFramework
import ETLTesting
import Foundation
import Testing
import TestSupport

/// The store acceptance suite of `ETLTesting`, run against every store here, one check per test:
/// PostgreSQL and SQLite keep the same semantics, and a store of another package is held to the
/// same suite.
@Suite struct StoreConformanceTests {
    @Test(arguments: StoreKind.available.flatMap { kind in StoreAcceptance.checks.map { (kind, $0) } })
    func storeAcceptance(kind: StoreKind, check: String) async throws {
        let suite = StoreAcceptance(name: kind.rawValue, logger: TestLog.logger) { body in
            try await kind.with { store, _ in try await body(store) }
        }
        let report = await suite.run(only: [check])
        #expect(report.results.count == 1)
        #expect(report.passed, "\(report)")
    }
}
