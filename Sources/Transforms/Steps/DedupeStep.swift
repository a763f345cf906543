import Crypto
import ETLFramework

/// `dedupe: { key: [field, ...] }`: keeps the first record of each key within a run; later ones are
/// filtered (counted, not quarantined).
///
/// Each key is remembered as 16 bytes of its SHA-256, so memory grows by about 16 bytes (plus the
/// set's overhead) per distinct key, whatever the size of the values; two different keys share a
/// digest with odds of about n²/2¹²⁹ (nil for any real run).
struct DedupeStep: Transformer {
    let key: [String]
    /// Digests of the keys seen so far in this run.
    var seen: Set<KeyDigest> = []

    struct KeyDigest: Hashable, Sendable {
        var high: UInt64
        var low: UInt64
    }

    static let registration = TransformRegistration(
        type: "dedupe", summary: "Keeps the first record of each key in a run: { key: [symbol, created_at] }",
        config: ConfigSpec(keyFields)
    ) { config in
        .records(DedupeStep(key: config[keyFields]))
    }

    /// `key:`, the fields that identify a record.
    static let keyFields = ConfigKey.required("key", [String].self, allowed: .notEmpty, "the fields that together identify a record")

    mutating func transform(_ records: [ChainRecord]) -> StepOutput {
        var output = StepOutput()
        output.records.reserveCapacity(records.count)
        for record in records {
            if seen.insert(digest(of: record)).inserted {
                output.records.append(record)
            } else {
                output.filtered += 1
            }
        }
        return output
    }

    /// SHA-256 of the key's values as JSON texts, each preceded by its length (so that no two
    /// different lists of values read the same).
    func digest(of record: ChainRecord) -> KeyDigest {
        var hasher = SHA256()
        for field in key {
            let text = record.value(at: field)?.jsonText ?? "null"
            hasher.update(data: Array("\(text.utf8.count):".utf8))
            hasher.update(data: Array(text.utf8))
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for (index, byte) in hasher.finalize().prefix(16).enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        return KeyDigest(high: high, low: low)
    }

    func checkFields(_ available: [String]) -> FieldCheck {
        FieldCheck(report: FieldReport(errors: FieldNames.missing(key, in: available, role: "dedupe key")), fields: available)
    }
}
