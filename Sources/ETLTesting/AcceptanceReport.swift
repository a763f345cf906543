/// What one acceptance suite found: every check it ran, passed or failed with the reason.
///
/// The suites need no test framework; assert on ``passed`` in the one you use:
///
/// ```swift
/// let report = await SourceAcceptance(source: mySource, logger: logger).run()
/// #expect(report.passed, "\(report)")
/// ```
public struct AcceptanceReport: Sendable, CustomStringConvertible {
    /// The suite that ran (`source jsonl`, `transform uppercase`, `store sqlite`).
    public var suite: String
    /// Every check, in the order run.
    public var results: [AcceptanceResult]

    public init(suite: String, results: [AcceptanceResult]) {
        self.suite = suite
        self.results = results
    }

    /// Whether every check passed.
    public var passed: Bool { failures.isEmpty }

    /// The checks that failed.
    public var failures: [AcceptanceResult] { results.filter { $0.failure != nil } }

    /// One line per check: `ok name` or `FAILED name: reason`.
    public var description: String {
        ([suite + ": \(results.count - failures.count) of \(results.count) checks passed"]
            + results.map { result in result.failure.map { "  FAILED \(result.check): \($0)" } ?? "  ok \(result.check)" })
            .joined(separator: "\n")
    }

    /// Throws an ``AcceptanceFailure`` naming every failed check, when there is one.
    public func requirePassed() throws {
        if !passed { throw AcceptanceFailure(check: suite, reason: description) }
    }
}

/// The outcome of one check of a suite.
public struct AcceptanceResult: Sendable, Hashable {
    /// The check's name, such as `resume-after-every-batch`.
    public var check: String
    /// Why it failed; `nil` when it passed.
    public var failure: String?

    public init(check: String, failure: String?) {
        self.check = check
        self.failure = failure
    }
}

/// A check that failed, and why.
public struct AcceptanceFailure: Error, Sendable, CustomStringConvertible {
    public var check: String
    public var reason: String

    public init(check: String, reason: String) {
        self.check = check
        self.reason = reason
    }

    public var description: String { "\(check): \(reason)" }
}

/// Runs named checks and collects their outcomes; a check fails by throwing.
struct CheckRun {
    var results: [AcceptanceResult] = []

    mutating func check(_ name: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            results.append(AcceptanceResult(check: name, failure: nil))
        } catch let failure as AcceptanceFailure {
            results.append(AcceptanceResult(check: name, failure: failure.reason))
        } catch {
            results.append(AcceptanceResult(check: name, failure: "threw \(error)"))
        }
    }
}

/// Fails the current check with `reason` unless `condition` holds.
func require(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
    if !condition { throw AcceptanceFailure(check: "", reason: reason()) }
}
