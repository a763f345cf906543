import Foundation

/// A share from 0 to 1, written as a percentage (`50%`, `2.5%`) or as a plain share (`0.5`).
public struct Share: Sendable, Decodable, Hashable {
    public var value: Double

    public init(from decoder: any Decoder) throws {
        value = try PercentText.decode(from: decoder, upTo: 1, expected: "a percentage from 0% to 100% (such as 50%) or a share from 0 to 1")
    }
}

/// A change limit: a percentage that may pass 100% (`50%`, `900%`) or a plain share (`0.5`, `9`).
public struct ChangeShare: Sendable, Decodable, Hashable {
    public var value: Double

    public init(from decoder: any Decoder) throws {
        value = try PercentText.decode(
            from: decoder, upTo: nil, expected: "a percentage of at least 0% (such as 50% or 900%) or a share such as 0.5")
    }
}

enum PercentText {
    /// Reads `50%` as 0.5 and `0.5` as 0.5; refuses what is negative, not finite or above `upTo`.
    static func decode(from decoder: any Decoder, upTo maximum: Double?, expected: String) throws -> Double {
        let text = try decoder.singleValueContainer().decode(String.self).trimmingCharacters(in: .whitespaces)
        let parsed: Double?
        if text.hasSuffix("%") {
            parsed = Double(text.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 }
        } else {
            parsed = Double(text)
        }
        guard let parsed, parsed.isFinite, parsed >= 0, parsed <= (maximum ?? .infinity) else {
            let node = (decoder as? any ConfigNodeDecoding)?.configNode
            let message = "expected \(expected), got \"\(text.prefix(40))\""
            if let node { throw node.diagnostic(message) }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
        return parsed
    }
}
