/// A position in PostgreSQL's write-ahead log (`pg_current_wal_insert_lsn()`, `pg_last_wal_replay_lsn()`),
/// read from its text form `X/Y` (two hexadecimal halves).
struct LSN: Sendable, Comparable, Hashable, CustomStringConvertible {
    var value: UInt64

    init(_ value: UInt64) {
        self.value = value
    }

    init?(_ text: String) {
        let halves = text.split(separator: "/")
        guard halves.count == 2, let high = UInt64(halves[0], radix: 16), let low = UInt64(halves[1], radix: 16),
            high <= UInt32.max, low <= UInt32.max
        else { return nil }
        value = high << 32 | low
    }

    static let zero = LSN(0)

    static func < (lhs: LSN, rhs: LSN) -> Bool { lhs.value < rhs.value }

    var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }
}
