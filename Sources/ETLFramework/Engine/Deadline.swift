import Synchronization

/// Runs `body`, failing with ``DeadlineExceeded`` when it takes longer than `limit`, and with
/// `CancellationError` at once when the calling task is cancelled.
///
/// The deadline holds even when `body` ignores cancellation (a database client waiting on a stalled
/// server does): the caller is answered on time and `body` is cancelled and left to finish on its
/// own. A task group cannot give that guarantee, since it waits for every child before returning, so
/// the race is run in two unstructured tasks owned by a `DeadlineRace`.
public func withDeadline<T: Sendable>(
    _ limit: Duration, doing operation: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await racing(body) {
        try? await Task.sleep(for: limit)
        return DeadlineExceeded(operation: operation, limit: limit)
    }
}

/// Runs `body` where it can be abandoned: fails with ``StoppedWhileWaiting`` as soon as `stop` is
/// requested, and with `CancellationError` at once when the calling task is cancelled, even when
/// `body` is blocked in a call that ignores both (a read of a pipe, a stalled network file system).
/// `body` is cancelled then and left to finish on its own; it must have no effect worth waiting for.
/// With a `grace`, `body` is given that long after the stop to finish on its own.
public func abandoning<T: Sendable>(
    on stop: StopSignal?, after grace: Duration = .zero, doing operation: String,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await racing(body) {
        while stop?.isRequested != true {
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                return CancellationError()  // `body` answered first
            }
        }
        if grace > .zero { try? await Task.sleep(for: grace) }
        return StoppedWhileWaiting(operation: operation)
    }
}

/// Runs `body` against `watcher`: the first to finish answers (`watcher` by failing with the error it
/// returns); the other is cancelled and, if it ignores that, left to finish on its own. Fails with
/// `CancellationError` at once when the calling task is cancelled.
public func racing<T: Sendable>(
    _ body: @escaping @Sendable () async throws -> T, against watcher: @escaping @Sendable () async -> any Error
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, watcher: watcher, body)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The state of one ``withDeadline(_:doing:_:)`` or ``abandoning(on:doing:_:)`` call: the first result to arrive answers the caller,
/// and both tasks are cancelled then.
final class DeadlineRace<T: Sendable>: Sendable {
    struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var finished = false
        /// A result that arrived before the continuation was set (cancelled before starting).
        var early: Result<T, any Error>?
    }

    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<T, any Error>, watcher: @escaping @Sendable () async -> any Error,
        _ body: @escaping @Sendable () async throws -> T
    ) {
        let early = state.withLock { state -> Result<T, any Error>? in
            guard !state.finished else { return state.early }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(with: early)
            return
        }
        let work = Task {
            do {
                self.finish(.success(try await body()))
            } catch {
                self.finish(.failure(error))
            }
        }
        let timer = Task {
            self.finish(.failure(await watcher()))
        }
        let cancelNow = state.withLock { state -> Bool in
            state.tasks = [work, timer]
            return state.finished
        }
        if cancelNow {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            if state.continuation == nil { state.early = result }
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}

/// An operation did not finish within its deadline.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var limit: Duration

    public var description: String { "\(operation) did not finish within \(limit)" }
}

/// A stop was requested while an operation was still waiting; the operation was abandoned.
public struct StoppedWhileWaiting: Error, Sendable, CustomStringConvertible {
    public var operation: String

    public var description: String { "stopped while \(operation); abandoned" }
}
