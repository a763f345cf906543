/// A request that failed for good (after its retries), with a message fit for the run history.
package struct HTTPFailure: Error, Sendable, CustomStringConvertible {
    package var host: String
    /// The last HTTP status, when the server answered at all.
    package var status: Int?
    package var reason: String
    package var attempts: Int

    package var description: String {
        let tries = attempts > 1 ? " after \(attempts) attempts" : ""
        if let status { return "\(host) answered \(status)\(tries): \(reason)" }
        return "cannot reach \(host)\(tries): \(reason)"
    }
}
