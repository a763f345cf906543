/// A request that failed for good (after its retries), with a message fit for the run history.
public struct HTTPFailure: Error, Sendable, CustomStringConvertible {
    public var host: String
    /// The last HTTP status, when the server answered at all.
    public var status: Int?
    public var reason: String
    public var attempts: Int

    public var description: String {
        let tries = attempts > 1 ? " after \(attempts) attempts" : ""
        if let status { return "\(host) answered \(status)\(tries): \(reason)" }
        return "cannot reach \(host)\(tries): \(reason)"
    }
}
