import ETLFramework
import Foundation
import Logging

/// Reads pages of unified records. A deep `offset` page of a query by source only starts from the
/// nearest of the store's ``RecordMarks`` (kept here, one set per source filter) instead of walking
/// every record before it; the store reads the membership version with the page, and a page read
/// at another version than its marks is read again the plain way, so an answer is always exact.
final class RecordPages: Sendable {
    /// The distance between marks: the most index entries a deep page walks.
    static let spacing = 32

    let store: any QueryStore
    /// Marks by source filter (`""`: all sources); dropped when a page finds them outdated.
    let marks: ResponseCache

    init(store: any QueryStore, capacityBytes: Int = 16 << 20) {
        self.store = store
        self.marks = ResponseCache(timeToLive: .seconds(3600), capacityBytes: capacityBytes)
    }

    func page(_ query: RecordQuery, logger: Logger) async throws -> Page<UnifiedRecord> {
        guard query.isBySourceOnly, query.after == nil, query.offset >= Self.spacing else {
            return try await store.unifiedRecords(query, logger: logger)
        }
        let store = self.store
        let marks = try await self.marks.value(for: query.source ?? "") {
            try await store.unifiedRecordMarks(source: query.source, every: Self.spacing, logger: logger)
        }
        let started = marks.start(query)
        if started.after != nil {
            let page = try await store.unifiedRecords(started, logger: logger)
            if page.version != nil, page.version == marks.version { return page }
            // Tickers came or went since the marks were read: new marks next time, this page plainly.
            self.marks.invalidate()
        }
        return try await store.unifiedRecords(query, logger: logger)
    }
}
