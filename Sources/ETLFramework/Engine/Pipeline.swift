/// A configured pipeline, ready to run: its source, its transformer and how it batches.
public struct Pipeline: Sendable {
    public var name: String
    public var source: any Source
    public var transformer: any Transformer
    public var batchSize: Int
    /// How often the service runs it; `nil` means only on demand.
    public var schedule: Duration?
    /// What a run must pass to succeed.
    public var checks: RunChecks

    public init(
        name: String, source: any Source, transformer: any Transformer, batchSize: Int, schedule: Duration?,
        checks: RunChecks = RunChecks()
    ) {
        self.checks = checks
        self.name = name
        self.source = source
        self.transformer = transformer
        self.batchSize = batchSize
        self.schedule = schedule
    }
}
