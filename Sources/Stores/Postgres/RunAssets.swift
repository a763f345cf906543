import ETLFramework
import Foundation
import Synchronization

/// What each run in progress in this process has stored, for publishing it at its end (see
/// ``LatestPublication``): the newest observation time of each source asset it gave a new
/// observation. A run whose write failed is marked uncertain (a commit may have happened unseen):
/// it is published from the database instead.
final class RunAssets: Sendable {
    struct Run {
        var newest: [Int32: Date] = [:]
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

    /// Notes the newest observation times of a batch of `run` that committed.
    func record(_ newest: [Int32: Date], of run: RunID) {
        guard !newest.isEmpty else { return }
        runs.withLock { runs in
            runs[run, default: Run()].newest.merge(newest) { max($0, $1) }
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

    func forget(_ run: RunID) {
        _ = runs.withLock { $0.removeValue(forKey: run) }
    }
}
