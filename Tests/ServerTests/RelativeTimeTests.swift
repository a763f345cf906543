import Foundation
import Testing

@testable import Server

/// The dashboard's times, as a person reads them.
@Suite struct RelativeTimeTests {
    @Test func timesReadAsAPersonSaysThem() {
        let now = Date(timeIntervalSince1970: 1_765_368_000)  // 2025-12-10T12:00:00Z
        let cases: [(Double, String)] = [
            (-10, "just now"), (20, "in a few seconds"), (-180, "3 min ago"), (300, "in 5 min"), (-60, "1 min ago"),
            (-3 * 3600, "3 hours ago"), (-3600 * 1.2, "72 min ago"), (-86_400 * 2, "2 days ago"), (-86_400 * 100, "on 2025-09-01"),
        ]
        for (offset, expected) in cases {
            #expect(RelativeTime.text(now.addingTimeInterval(offset), now: now) == expected, "\(offset)")
        }
    }
}
