/// Expands `${VAR}` and `${VAR:-default}` in configuration values; `$$` stands for a literal `$`.
public struct Interpolation: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The result of expanding one value.
    public struct Result: Sendable, Equatable {
        public var text: String
        /// Names of the variables that were read.
        public var variables: [String]
        /// Values taken from variables (not defaults), so callers can redact the secret ones.
        public var substituted: [String]
    }

    /// An error in an interpolated value; `offset` counts characters from the start of the value.
    public struct Failure: Error, Sendable, Equatable {
        public var message: String
        public var offset: Int
    }

    public func expand(_ input: String) -> Swift.Result<Result, Failure> {
        guard input.contains("$") else { return .success(Result(text: input, variables: [], substituted: [])) }
        var output = ""
        var variables: [String] = []
        var substituted: [String] = []
        let characters = Array(input)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "$", index + 1 < characters.count else {
                output.append(character)
                index += 1
                continue
            }
            let next = characters[index + 1]
            if next == "$" {
                output.append("$")
                index += 2
                continue
            }
            guard next == "{" else {
                output.append(character)
                index += 1
                continue
            }
            guard let close = Self.matchingBrace(characters, from: index + 2) else {
                return .failure(Failure(message: "unterminated ${ in value", offset: index))
            }
            let body = String(characters[(index + 2)..<close])
            let name: String
            let fallback: String?
            if let range = body.range(of: ":-") {
                name = String(body[..<range.lowerBound])
                fallback = String(body[range.upperBound...])
            } else {
                name = body
                fallback = nil
            }
            guard Self.isValidName(name) else {
                return .failure(Failure(message: "invalid variable name \"\(name)\" in ${...}", offset: index))
            }
            variables.append(name)
            if let value = environment[name], !value.isEmpty {
                output += value
                substituted.append(value)
            } else if let fallback {
                // A default may itself hold ${...}: `${COINPAPRIKA_API_KEY:-${API_SOURCE_KEY:-}}`.
                switch expand(fallback) {
                case .success(let inner):
                    output += inner.text
                    variables += inner.variables
                    substituted += inner.substituted
                case .failure(let failure):
                    return .failure(Failure(message: failure.message, offset: index))
                }
            } else {
                return .failure(
                    Failure(
                        message: "environment variable \(name) is not set (give a default with ${\(name):-value})",
                        offset: index))
            }
            index = close + 1
        }
        return .success(Result(text: output, variables: variables, substituted: substituted))
    }

    /// The index of the `}` closing a `${` whose body starts at `start`, counting nested `${...}`.
    static func matchingBrace(_ characters: [Character], from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < characters.count {
            if characters[index] == "$", index + 1 < characters.count, characters[index + 1] == "{" {
                depth += 1
                index += 2
                continue
            }
            if characters[index] == "}" {
                if depth == 0 { return index }
                depth -= 1
            }
            index += 1
        }
        return nil
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Whether a variable's value must never be printed (tokens, keys, passwords, database URLs).
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["TOKEN", "KEY", "SECRET", "PASSWORD", "PASS", "DATABASE_URL", "CREDENTIAL"].contains {
            upper.contains($0)
        }
    }
}
