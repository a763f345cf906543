/// Runs `body`, failing with ``DeadlineExceeded`` when it takes longer than `limit`.
///
/// For operations that may otherwise wait forever, such as a first query to a database that is down.
public func withDeadline<T: Sendable>(
    _ limit: Duration, doing operation: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded(operation: operation, limit: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// An operation did not finish within its deadline.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var limit: Duration

    public var description: String { "\(operation) did not finish within \(limit)" }
}
