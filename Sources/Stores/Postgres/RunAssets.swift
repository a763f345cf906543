import ETLFramework
import Foundation
import Synchronization

/// What each run in progress in this process has stored, for publishing it at its end (see
/// ``LatestPublication``): the newest observation time of each source asset it gave a new
/// observation. A run whose write failed is marked uncertain (a commit may have happened unseen):
/// it is published from the database instead.
final class RunAssets: Sendable {
    struct Run {
        /// The source assets whose publication waits for the run's end, at their newest observation.
        var newest: [Int32: Date] = [:]
        /// Every source asset the run gave a new observation, published with its batch or not.
        var seen = Set<Int32>()
        /// How many new observations the run stored.
        var rows = 0
        var uncertain = false
    }

    private let runs = Mutex<[RunID: Run]>([:])

    /// The source assets among `refs` not yet recorded as pending for `run`.
    func unrecorded(_ refs: some Sequence<Int32>, of run: RunID) -> [Int32] {
        runs.withLock { runs in
            let known = runs[run]?.newest
            return refs.filter { known?[$0] == nil }
        }
    }

    /// Whether `run` has not stored an observation of some of `refs` yet.
    func hasUnseen(_ refs: some Sequence<Int32>, of run: RunID) -> Bool {
        runs.withLock { runs in
            guard let seen = runs[run]?.seen else { return true }
            return refs.contains { !seen.contains($0) }
        }
    }

    /// Notes what a batch of `run` that committed left to publish (`newest`) and published (`published`).
    func record(_ newest: [Int32: Date], published: [Int32], rows: Int, of run: RunID) {
        guard !newest.isEmpty || !published.isEmpty || rows > 0 else { return }
        runs.withLock { runs in
            runs[run, default: Run()].rows += rows
            runs[run, default: Run()].newest.merge(newest) { max($0, $1) }
            runs[run, default: Run()].seen.formUnion(newest.keys)
            runs[run, default: Run()].seen.formUnion(published)
        }
    }

    /// Notes that a write of `run` failed: what it stored is read back from the database.
    func markUncertain(_ run: RunID) {
        runs.withLock { $0[run, default: Run()].uncertain = true }
    }

    /// The newest observation time of each source asset `run` stored in this process (none when it
    /// stored nothing new), or `nil` when a write of it failed.
    func newest(of run: RunID) -> [Int32: Date]? {
        runs.withLock { runs in
            guard let known = runs[run] else { return [:] }
            return known.uncertain ? nil : known.newest
        }
    }

    /// How many new observations `run` stored in this process.
    func rows(of run: RunID) -> Int {
        runs.withLock { $0[run]?.rows ?? 0 }
    }

    func forget(_ run: RunID) {
        _ = runs.withLock { $0.removeValue(forKey: run) }
    }
}
