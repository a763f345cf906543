import Tracing

/// What one point of a pipeline did with one batch: the records that left it, the records it
/// rejected, and when it ran. Made only while a tap or a trace watches (see ``PipelineRunner``).
///
/// Points are numbered as a tap names them: `0` is the source (the records read), `1...n` are the
/// transform steps in file order, `n + 1` is the normalizer (the unified records written).
public struct StageReport: Sendable {
    public var index: Int
    public var name: String
    /// Records that reached this point.
    public var recordsIn: Int
    /// The records that left a source or a step, as the next step sees them.
    public var kept: [ChainRecord]
    /// The unified records that left the normalizer.
    public var quotes: [Quote]
    /// Where each raw record of the batch came from, by ``Quote/rawIndex`` (the normalizer's point).
    public var locations: [RecordLocation] = []
    public var rejections: [Rejection]
    /// Records a step left out on purpose.
    public var filtered: Int
    /// When the point started and finished this batch, in nanoseconds since 1970.
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64

    public init(
        index: Int, name: String, recordsIn: Int, kept: [ChainRecord] = [], quotes: [Quote] = [], locations: [RecordLocation] = [],
        rejections: [Rejection] = [], filtered: Int = 0, startNanoseconds: UInt64, endNanoseconds: UInt64
    ) {
        self.index = index
        self.name = name
        self.recordsIn = recordsIn
        self.kept = kept
        self.quotes = quotes
        self.locations = locations
        self.rejections = rejections
        self.filtered = filtered
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
    }

    /// Now, in nanoseconds since 1970 (the clock spans are timed by).
    static func now() -> UInt64 { DefaultTracerClock.now.nanosecondsSinceEpoch }

    /// Records that left the point: kept records, or unified records for the normalizer.
    public var recordsOut: Int { kept.count + quotes.count }

    /// The name of the source point.
    public static let sourceName = "source"
    /// The name of the normalizer's point.
    public static let normalizeName = "normalize"
}

extension Pipeline {
    /// The points a tap can watch, by index: the source, each transform step, the normalizer.
    public var tapPoints: [String] {
        [StageReport.sourceName] + transforms.steps.map(\.name) + [StageReport.normalizeName]
    }

    /// The points with their indexes, for messages: `0 source, 1 set, 2 normalize`.
    public var tapPointList: String {
        tapPoints.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")
    }

    /// The index of the point named `text` (a name, or an index as digits); `nil` when none is.
    public func tapPoint(_ text: String) -> Int? {
        let points = tapPoints
        if let index = Int(text), points.indices.contains(index) { return index }
        return points.firstIndex(of: text)
    }
}
