import ETLFramework
import Foundation
import Logging
import Synchronization
import UnixSignals

/// SIGINT and SIGTERM during `host run --once`: the first asks every run to stop at its next batch
/// boundary (recorded as `interrupted`, checkpoint consistent, summary printed, exit 130 or 143);
/// a second one exits at once.
final class OnceInterruption: Sendable {
    private let signal = Mutex<UnixSignal?>(nil)

    /// The first signal received, if any.
    var received: UnixSignal? { signal.withLock { $0 } }

    /// Runs `body` with a stop signal that SIGINT or SIGTERM requests.
    func watching<T: Sendable>(logger: Logger, _ body: @escaping @Sendable (StopSignal) async -> T) async -> T {
        let stop = StopSignal()
        return await withTaskGroup(of: T?.self) { group in
            group.addTask {
                for await caught in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                    let first = self.signal.withLock { current -> Bool in
                        guard current == nil else { return false }
                        current = caught
                        return true
                    }
                    guard first else {
                        FileHandle.standardError.write(Data("second \(caught); exiting now\n".utf8))
                        exit(caught.exitCode)
                    }
                    logger.warning("stopping at the next batch boundary (again to exit at once)", metadata: ["signal": "\(caught)"])
                    FileHandle.standardError.write(Data("\(caught): stopping at the next batch boundary; again to exit at once\n".utf8))
                    stop.request()
                }
                return nil
            }
            group.addTask { await body(stop) }
            var result: T?
            for await value in group {
                if let value {
                    result = value
                    group.cancelAll()
                }
            }
            return result!
        }
    }
}

extension UnixSignal {
    /// The conventional exit code of a process stopped by this signal: 128 + its number.
    var exitCode: Int32 {
        self == .sigint ? 130 : self == .sigterm ? 143 : 1
    }
}
