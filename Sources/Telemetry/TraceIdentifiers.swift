/// A W3C trace id: 16 random bytes, never all zero.
public struct TraceID: TraceIdentifier {
    public static let byteCount = 16
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard Self.isValid(bytes) else { return nil }
        self.bytes = bytes
    }
}

/// A W3C span id (parent id): 8 random bytes, never all zero.
public struct SpanID: TraceIdentifier {
    public static let byteCount = 8
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard Self.isValid(bytes) else { return nil }
        self.bytes = bytes
    }
}

/// What trace and span ids share: random bytes, never all zero, written as lowercase hex.
public protocol TraceIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// How many bytes an id has.
    static var byteCount: Int { get }
    var bytes: [UInt8] { get }
    /// The id of these bytes; `nil` unless there are ``byteCount`` of them, not all zero.
    init?(bytes: [UInt8])
}

extension TraceIdentifier {
    /// A new random id.
    public static func random() -> Self {
        var generator = SystemRandomNumberGenerator()
        return Self(bytes: Hex.randomBytes(byteCount, using: &generator))!
    }

    /// The id written as `2 * byteCount` lowercase hex digits; `nil` when it is not that, or all zero.
    public init?(hex: some StringProtocol) {
        guard let bytes = Hex.bytes(hex, count: Self.byteCount) else { return nil }
        self.init(bytes: bytes)
    }

    /// Whether `bytes` make an id: ``byteCount`` of them, not all zero.
    static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.count == byteCount && bytes.contains { $0 != 0 }
    }

    /// Lowercase hex digits.
    public var description: String { Hex.string(bytes) }
}

/// Lowercase hex, as W3C Trace Context writes ids.
enum Hex {
    static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        while true {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.contains(where: { $0 != 0 }) { return bytes }
        }
    }

    static func string(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `count` bytes from exactly `2 * count` lowercase hex digits, not all zero unless allowed.
    static func bytes(_ text: some StringProtocol, count: Int, allowingZero: Bool = false) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count == count * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return allowingZero || bytes.contains(where: { $0 != 0 }) ? bytes : nil
    }

    static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
