import ETLFramework
import Foundation

/// Hands out the fetched records in batches, skipping those not newer than the checkpoint, and
/// tallies schema drift (expected fields missing, fields not known to the adapter).
struct JSONAPIReader: SourceReader {
    let source: JSONAPISource
    let items: [JSONAPISource.Item]
    var newest: [String: String]
    var position = 0
    var done = false
    var missing: [String: Int] = [:]
    var unknown: Set<String> = []
    let timestamps = TimestampParser()

    init(source: JSONAPISource, items: [JSONAPISource.Item], previous: [String: String]) {
        self.source = source
        self.items = items
        self.newest = previous
    }

    var progress: Double? { items.isEmpty ? 1 : Double(position) / Double(items.count) }

    var summary: String? {
        var parts: [String] = []
        if !missing.isEmpty {
            parts.append("missing " + missing.keys.sorted().map { "\($0) (\(missing[$0]!) records)" }.joined(separator: ", "))
        }
        if !unknown.isEmpty { parts.append("new fields " + unknown.sorted().joined(separator: ", ")) }
        return parts.isEmpty ? nil : "schema drift: " + parts.joined(separator: "; ")
    }

    mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
        guard !done else { return nil }
        var records: [RawRecord] = []
        var skipped = 0
        let timestampPath = source.fieldMapping[.observedAt]
        let expected = Set(source.fieldMapping.paths.values)
        while position < items.count, records.count + skipped < maxRecords {
            let item = items[position]
            position += 1
            noteDrift(item.value, expected: expected)
            let stamp = timestampPath.flatMap { item.value.value(at: $0)?.scalarText }
            if let id = item.id, let stamp {
                if let previous = newest[id], let old = timestamps.parse(previous), let new = timestamps.parse(stamp), new <= old {
                    skipped += 1
                    continue
                }
                newest[id] = stamp
            }
            records.append(RawRecord(payload: item.value, location: item.location, receivedAt: item.receivedAt))
        }
        if position >= items.count { done = true }
        let checkpoint = try Checkpoint(kind: source.type, encoding: APICheckpointState(newest: newest))
        return SourceBatch(records: records, skipped: skipped, checkpoint: checkpoint)
    }

    mutating func noteDrift(_ value: RawValue, expected: Set<String>) {
        for path in expected where value.value(at: path) == nil { missing[path, default: 0] += 1 }
        if let known = source.knownFields, case .object(let fields) = value {
            for field in fields where !known.contains(field.name) { unknown.insert(field.name) }
        }
    }
}
