import ETLFramework
import Foundation

/// Builds rows in PostgreSQL's COPY text format: tab-separated, `\N` for NULL, backslash escapes.
struct CopyText {
    private(set) var bytes: [UInt8] = []
    private var fieldsInRow = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func text(_ value: String?) {
        separate()
        guard var value else {
            bytes += [92, 78]  // \N
            return
        }
        let plain = value.withUTF8 { utf8 in
            for byte in utf8 where byte == 92 || byte == 9 || byte == 10 || byte == 13 { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if plain { return }
        for byte in value.utf8 {
            switch byte {
            case 92: bytes += [92, 92]
            case 9: bytes += [92, 116]
            case 10: bytes += [92, 110]
            case 13: bytes += [92, 114]
            default: bytes.append(byte)
            }
        }
    }

    mutating func integer<T: BinaryInteger>(_ value: T?) {
        guard let value else { return text(nil) }
        separate()
        if value < 0 { bytes.append(45) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(48 + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    mutating func decimal(_ value: ExactDecimal?) {
        text(value?.description)
    }

    /// A `bytea` in hex form.
    mutating func bytea(_ value: [UInt8]) {
        separate()
        bytes += [92, 92, 120]  // \\x
        for byte in value {
            bytes.append(Self.hex[Int(byte >> 4)])
            bytes.append(Self.hex[Int(byte & 0x0F)])
        }
    }

    mutating func timestamp(_ value: Date) {
        separate()
        PostgresTimestamp.append(value, to: &bytes)
    }

    mutating func endRow() {
        bytes.append(10)
        fieldsInRow = 0
    }

    private mutating func separate() {
        if fieldsInRow > 0 { bytes.append(9) }
        fieldsInRow += 1
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}

/// UTC timestamps as PostgreSQL reads them, with microseconds: `2025-01-01 00:00:00.000000+00`.
enum PostgresTimestamp {
    static func text(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func append(_ date: Date, to bytes: inout [UInt8]) {
        let (days, microsOfDay) = Timestamp(date).microseconds.floorDivided(by: Timestamp.microsecondsPerDay)
        let (year, month, day) = Timestamp.civil(fromDays: days)
        let seconds = microsOfDay / 1_000_000
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(45)
        digits(month, 2)
        bytes.append(45)
        digits(day, 2)
        bytes.append(32)
        digits(seconds / 3600, 2)
        bytes.append(58)
        digits(seconds / 60 % 60, 2)
        bytes.append(58)
        digits(seconds % 60, 2)
        bytes.append(46)
        digits(microsOfDay % 1_000_000, 6)
        bytes += [43, 48, 48]
    }
}
