/// A configured pipeline, ready to run: its source, its transform chain and how it batches.
public struct Pipeline: Sendable {
    public var name: String
    public var source: any Source
    /// The steps records pass through, ending with the normalizer.
    public var transforms: TransformChain
    public var batchSize: Int
    /// How often the service runs it; `nil` means only on demand.
    public var schedule: Duration?
    /// What a run must pass to succeed.
    public var checks: RunChecks

    public init(
        name: String, source: any Source, transforms: TransformChain, batchSize: Int, schedule: Duration?,
        checks: RunChecks = RunChecks()
    ) {
        self.name = name
        self.source = source
        self.transforms = transforms
        self.batchSize = batchSize
        self.schedule = schedule
        self.checks = checks
    }
}
