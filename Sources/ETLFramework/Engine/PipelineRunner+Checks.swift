import Foundation
import Logging

extension PipelineRunner {
    /// Holds a run that read everything to its pipeline's checks: reads what they compare with, and
    /// decides its status. A `fail` check failing fails the run; a `warn` check failing is said in its
    /// message. The caller fills in the tickers.
    func judged(
        _ pipeline: Pipeline, runID: RunID, counters: RunCounters, reasons: ReasonTally, said: [String], logger: Logger
    ) async throws -> Outcome {
        var said = said
        let runLog = self.runLog
        let facts = try await database("reading what the checks compare with") {
            try await runLog.qualityFacts(
                pipeline: pipeline.name, run: runID, newestObservation: pipeline.checks.freshness != nil, logger: logger)
        }
        let checks = pipeline.checks.evaluate(
            RunFacts(
                counters: counters, reasons: reasons, previousSuccess: facts.previousSuccess,
                newestObservation: facts.newestObservation, largestPriceMove: facts.largestPriceMove))
        var runQuality = RunQuality()
        runQuality.checks = checks
        runQuality.comparedRun = facts.previousSuccess?.id
        let failing = checks.failed.filter { $0.onFail == .fail }
        let warning = checks.failed.filter { $0.onFail == .warn }
        if !warning.isEmpty {
            logger.warning("checks failed (warn)", metadata: ["checks": "\(warning.map(\.sentence))"])
            said.append("checks failed (warn): " + warning.map(\.sentence).joined(separator: "; "))
        }
        if !failing.isEmpty {
            logger.error("run failed its checks", metadata: ["checks": "\(failing.map(\.sentence))"])
            let failure = "failed checks: " + failing.map(\.sentence).joined(separator: "; ")
            return Outcome(
                status: .failed, message: ([failure] + said).joined(separator: "; "), counters: counters,
                quality: runQuality, previous: facts.previousFinished)
        }
        return Outcome(
            status: .success, message: said.isEmpty ? nil : said.joined(separator: "; "), counters: counters,
            quality: runQuality, previous: facts.previousFinished)
    }
}
