import ETLFramework
import Foundation

/// Hands out the fetched records in batches and reports schema drift: mapped fields missing from records, and the fields (nested ones too) that
/// appeared or disappeared since the run that wrote the checkpoint. On a first run, top-level fields
/// the adapter does not know are reported instead.
struct JSONAPIReader: SourceReader {
    let source: JSONAPISource
    let items: [JSONAPISource.Item]
    var position = 0
    var done = false
    var missing: [String: Int] = [:]
    /// Every dotted path the fetched records have.
    let fields: [String]
    let previousFields: [String]?

    init(source: JSONAPISource, items: [JSONAPISource.Item], previousFields: [String]?) {
        self.source = source
        self.items = items
        self.previousFields = previousFields
        var paths = Set<String>()
        for item in items { item.value.collectPaths(into: &paths) }
        self.fields = paths.sorted()
    }

    var fieldNames: [String]? { items.isEmpty ? nil : fields }

    var progress: Double? { items.isEmpty ? 1 : Double(position) / Double(items.count) }

    var summary: String? {
        var parts: [String] = []
        if !missing.isEmpty {
            parts.append("missing " + missing.keys.sorted().map { "\($0) (\(missing[$0]!) records)" }.joined(separator: ", "))
        }
        if !items.isEmpty {
            if let previousFields {
                let before = Set(previousFields), now = Set(fields)
                let added = now.subtracting(before).sorted(), gone = before.subtracting(now).sorted()
                if !added.isEmpty { parts.append("new fields since the last run " + Self.list(added)) }
                if !gone.isEmpty { parts.append("fields gone since the last run " + Self.list(gone)) }
            } else if let known = source.knownFields {
                let unknown = fields.filter { !$0.contains(".") && !known.contains($0) }
                if !unknown.isEmpty { parts.append("new fields " + Self.list(unknown)) }
            }
        }
        return parts.isEmpty ? nil : "schema drift: " + parts.joined(separator: "; ")
    }

    static func list(_ names: [String]) -> String {
        names.count > 20 ? names.prefix(20).joined(separator: ", ") + ", ... (\(names.count) in all)" : names.joined(separator: ", ")
    }

    mutating func nextBatch(maxRecords: Int) async throws -> SourceBatch? {
        guard !done else { return nil }
        var records: [RawRecord] = []
        while position < items.count, records.count < maxRecords {
            let item = items[position]
            position += 1
            for path in source.expectedFields where item.value.value(at: path) == nil { missing[path, default: 0] += 1 }
            records.append(RawRecord(payload: item.value, location: item.location, receivedAt: item.receivedAt))
        }
        if position >= items.count { done = true }
        let checkpoint = try Checkpoint(
            kind: source.type, encoding: APICheckpointState(fields: items.isEmpty ? previousFields : fields))
        return SourceBatch(records: records, checkpoint: checkpoint)
    }
}

extension RawValue {
    /// Adds the dotted path of every member, nested objects included (arrays are not entered).
    func collectPaths(into paths: inout Set<String>, prefix: String = "") {
        guard case .object(let members) = self else { return }
        for member in members {
            let path = prefix.isEmpty ? member.name : prefix + "." + member.name
            paths.insert(path)
            member.value.collectPaths(into: &paths, prefix: path)
        }
    }
}
