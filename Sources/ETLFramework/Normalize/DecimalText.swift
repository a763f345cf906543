import Foundation

/// Strict parsing of decimal text into an exact `Decimal`: plain or e-notation, nothing else.
///
/// Refused: empty text, thousands separators, several dots, `NaN`/`Infinity`, more than 64 characters,
/// more than 38 significant digits (what `Decimal` holds exactly), exponents out of range.
public enum DecimalText {
    /// Longest accepted text.
    public static let maxLength = 64
    /// Most significant digits `Decimal` stores exactly.
    public static let maxSignificantDigits = 38

    /// A parsed value and its order of magnitude (the power of ten of its leading digit).
    public struct Parsed: Sendable {
        public var value: ExactDecimal
        public var magnitude: Int
        public var isNegative: Bool
        public var isZero: Bool
    }

    public static func parse(_ text: String) -> Result<Parsed, DecimalError> {
        let trimmed = text.trimmedASCIIWhitespace
        if let parsed = parseCanonical(trimmed) { return .success(parsed) }
        guard !trimmed.isEmpty else { return .failure(.empty) }
        guard trimmed.utf8.count <= maxLength else { return .failure(.tooLong(trimmed.utf8.count)) }
        var bytes = trimmed.utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var exponent = 0
        var sawDigit = false
        var sawDot = false
        while let byte = bytes.first {
            if byte >= 48 && byte <= 57 {
                sawDigit = true
                if !(digits.isEmpty && byte == 48) { digits.append(byte - 48) }
                if sawDot { exponent -= 1 }
            } else if byte == UInt8(ascii: ".") && !sawDot {
                sawDot = true
            } else {
                break
            }
            bytes = bytes.dropFirst()
        }
        guard sawDigit else { return .failure(.notANumber(String(trimmed))) }
        if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            guard let value = Int(Substring(decoding: bytes, as: UTF8.self)), abs(value) < 10_000 else {
                return .failure(.notANumber(String(trimmed)))
            }
            exponent += value
            bytes = bytes[bytes.endIndex...]
        }
        guard bytes.isEmpty else { return .failure(.notANumber(String(trimmed))) }
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty {
            return .success(Parsed(value: ExactDecimal(canonical: "0"), magnitude: 0, isNegative: false, isZero: true))
        }
        guard digits.count <= maxSignificantDigits else { return .failure(.tooManyDigits(digits.count)) }
        let magnitude = exponent + digits.count - 1
        guard exponent >= -128, exponent <= 127 else { return .failure(.outOfRange(String(trimmed))) }
        let text = isCanonical(trimmed) ? String(trimmed) : plainText(digits: digits, exponent: exponent, negative: negative)
        return .success(
            Parsed(
                value: ExactDecimal(canonical: text), magnitude: magnitude, isNegative: negative, isZero: false))
    }

    /// The common case without allocating: text already canonical (see ``isCanonical(_:)``), not
    /// zero, within the limits. `nil` sends the text through the full parse.
    static func parseCanonical(_ trimmed: Substring) -> Parsed? {
        guard trimmed.utf8.count <= maxLength, isCanonical(trimmed) else { return nil }
        var negative = false
        var sawDot = false
        var count = 0  // digits from the first non-zero one
        var trailingZeros = 0
        var exponent = 0
        for byte in trimmed.utf8 {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): sawDot = true
            default:
                if count > 0 || byte != 48 {
                    count += 1
                    trailingZeros = byte == 48 ? trailingZeros + 1 : 0
                }
                if sawDot { exponent -= 1 }
            }
        }
        count -= trailingZeros
        exponent += trailingZeros
        guard count > 0, count <= maxSignificantDigits, exponent >= -128, exponent <= 127 else { return nil }
        return Parsed(
            value: ExactDecimal(canonical: String(trimmed)), magnitude: exponent + count - 1, isNegative: negative, isZero: false)
    }

    /// Whether text already is in plain canonical form: optional `-`, no leading zeros (but `0.`),
    /// no exponent, no `+`, no trailing fraction zeros, no lone dot.
    static func isCanonical(_ text: Substring) -> Bool {
        var bytes = text.utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard let first = bytes.first, first >= 48, first <= 57 else { return false }
        var sawDot = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                if sawDot { return false }
                sawDot = true
            } else if byte < 48 || byte > 57 {
                return false
            }
            index = bytes.index(after: index)
        }
        if first == 48, bytes.count > 1, bytes[bytes.index(after: bytes.startIndex)] != UInt8(ascii: ".") { return false }
        if sawDot, let last = bytes.last, last == 48 || last == UInt8(ascii: ".") { return false }
        return true
    }

    /// Plain notation of `digits` x 10^`exponent` (digits without leading or trailing zeros).
    static func plainText(digits: [UInt8], exponent: Int, negative: Bool) -> String {
        var bytes: [UInt8] = negative ? [45] : []
        bytes.reserveCapacity(digits.count + abs(exponent) + 3)
        if exponent >= 0 {
            bytes += digits.map { $0 + 48 }
            bytes += repeatElement(48, count: exponent)
        } else if -exponent >= digits.count {
            bytes += [48, 46]
            bytes += repeatElement(48, count: -exponent - digits.count)
            bytes += digits.map { $0 + 48 }
        } else {
            let integerCount = digits.count + exponent
            bytes += digits[..<integerCount].map { $0 + 48 }
            bytes.append(46)
            bytes += digits[integerCount...].map { $0 + 48 }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Why a text is not an acceptable decimal.
public enum DecimalError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case notANumber(String)
    case tooLong(Int)
    case tooManyDigits(Int)
    case outOfRange(String)

    public var description: String {
        switch self {
        case .empty: "is empty"
        case .notANumber(let text): "\"\(text.prefix(40))\" is not a decimal number"
        case .tooLong(let count): "has \(count) characters (at most \(DecimalText.maxLength))"
        case .tooManyDigits(let count):
            "has \(count) significant digits (at most \(DecimalText.maxSignificantDigits) are kept exactly)"
        case .outOfRange(let text): "\"\(text.prefix(40))\" is out of range"
        }
    }
}
