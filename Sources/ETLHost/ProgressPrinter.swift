import ETLFramework
import Foundation
import Synchronization

/// Live progress of `host run --once` on stderr: on a terminal one line per pipeline, redrawn in
/// place; elsewhere a plain line per pipeline at most every two seconds.
final class ProgressPrinter: Sendable {
    let pipelines: [String]
    let terminal = isatty(STDERR_FILENO) == 1
    private let state = Mutex<
        (latest: [String: RunProgress], started: ContinuousClock.Instant, printed: [String: ContinuousClock.Instant], drawn: Bool)
    >(
        ([:], .now, [:], false))

    init(pipelines: [String]) {
        self.pipelines = pipelines
    }

    func update(_ progress: RunProgress) {
        let text: String? = state.withLock { state in
            state.latest[progress.pipeline] = progress
            let now = ContinuousClock.now
            if terminal {
                var output = state.drawn ? "\u{1B}[\(pipelines.count)A" : ""
                state.drawn = true
                for name in pipelines {
                    output += "\u{1B}[2K" + line(name, state.latest[name], since: state.started, now: now) + "\n"
                }
                return output
            }
            if let last = state.printed[progress.pipeline], now - last < .seconds(2) { return nil }
            state.printed[progress.pipeline] = now
            return line(progress.pipeline, progress, since: state.started, now: now) + "\n"
        }
        if let text { FileHandle.standardError.write(Data(text.utf8)) }
    }

    func line(_ name: String, _ progress: RunProgress?, since start: ContinuousClock.Instant, now: ContinuousClock.Instant) -> String {
        guard let progress else { return "\(name): waiting" }
        let handled = progress.counters.read
        let seconds = Double((now - start).components.seconds) + Double((now - start).components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int(Double(handled) / seconds) : handled
        let share = progress.fraction.map { String(format: " %5.1f%%", $0 * 100) } ?? ""
        return
            "\(name):\(share) \(handled) records (\(progress.counters.quarantined) quarantined, \(progress.counters.skipped) skipped, \(progress.counters.filtered) filtered), \(rate)/s"
    }
}
