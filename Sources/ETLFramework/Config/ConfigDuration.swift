import Foundation
/// A duration written as `90s`, `5m`, `1h30m` or `250ms` in configuration.
public struct ConfigDuration: Sendable, Hashable, Decodable, CustomStringConvertible {
    public var duration: Duration
    public var description: String

    public init(parsing text: String) throws(ParseError) {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var milliseconds: Int64 = 0
        guard !rest.isEmpty else { throw ParseError() }
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isNumber)
            guard let amount = Int64(digits) else { throw ParseError() }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) })
            else { throw ParseError() }
            rest = rest.dropFirst(unit.0.count)
            milliseconds += amount * unit.1
        }
        duration = .milliseconds(milliseconds)
        description = text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw (decoder as? any ConfigNodeDecoding)?.configNode.diagnostic(
                "expected a duration such as 30s, 5m or 1h, got \"\(text)\"")
                ?? DecodingError.dataCorruptedError(in: container, debugDescription: "bad duration")
        }
    }

    init(duration: Duration, description: String) {
        self.duration = duration
        self.description = description
    }

    /// `value` milliseconds, written `250ms`.
    public static func milliseconds(_ value: Int) -> ConfigDuration { ConfigDuration(duration: .milliseconds(value), description: "\(value)ms") }
    /// `value` seconds, written `30s`.
    public static func seconds(_ value: Int) -> ConfigDuration { ConfigDuration(duration: .seconds(value), description: "\(value)s") }
    /// `value` minutes, written `5m`.
    public static func minutes(_ value: Int) -> ConfigDuration { ConfigDuration(duration: .seconds(value * 60), description: "\(value)m") }
    /// `value` days, written `1d`.
    public static func days(_ value: Int) -> ConfigDuration { ConfigDuration(duration: .seconds(value * 86_400), description: "\(value)d") }

    /// The text is not a duration.
    public struct ParseError: Error {}
}
