import Foundation
import Yams

/// A configuration file parsed with Yams into ``ConfigNode``s, with every `${VAR}` expanded.
///
/// Parsing never stops at the first problem: interpolation errors are collected in ``diagnostics``
/// so that `host validate` can print them all.
public struct ConfigDocument: Sendable {
    /// The text of the file at `path`; a file that cannot be read is a ``ConfigErrors`` at its line 1.
    public static func text(ofFile path: String) throws -> String {
        let reason: String
        do {
            let data = try RegularFile.contents(of: path)
            if let text = String(data: data, encoding: .utf8) { return text }
            reason = "cannot read the file (it is not UTF-8 text)"
        } catch {
            reason = error.reason
        }
        throw ConfigErrors([
            ConfigDiagnostic(at: ConfigPosition(file: path, line: 1, column: 1), keyPath: "", reason)
        ])
    }

    /// The directory of `path`, made absolute against the working directory: what relative paths
    /// in that file are resolved against.
    public static func directory(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).deletingLastPathComponent
    }

    public var root: ConfigNode
    public var diagnostics: [ConfigDiagnostic]
    /// Values taken from secret-looking variables, to be redacted wherever they could be printed.
    public var secrets: [String]

    /// Parses `text`, naming positions after `file`. Throws ``ConfigErrors`` on a YAML syntax error.
    public init(text: String, file: String, environment: [String: String]) throws {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigErrors([Self.diagnostic(for: error, file: file)])
        }
        var builder = Builder(file: file, interpolation: Interpolation(environment: environment))
        if let node {
            root = builder.convert(node, keyPath: "")
        } else {
            root = ConfigNode(kind: .null, position: ConfigPosition(file: file, line: 1, column: 1), keyPath: "")
        }
        diagnostics = builder.diagnostics
        secrets = builder.secrets
    }

    static func diagnostic(for error: YamlError, file: String) -> ConfigDiagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigDiagnostic(
                at: ConfigPosition(file: file, line: mark.line, column: mark.column), keyPath: "",
                "YAML syntax error: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigDiagnostic(
                at: ConfigPosition(file: file, line: context.mark.line, column: context.mark.column), keyPath: "",
                "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return ConfigDiagnostic(
                at: ConfigPosition(file: file, line: 1, column: 1), keyPath: "", "cannot read YAML: \(error)")
        }
    }

    private struct Builder {
        let file: String
        let interpolation: Interpolation
        var diagnostics: [ConfigDiagnostic] = []
        var secrets: [String] = []

        func position(_ mark: Mark?) -> ConfigPosition {
            ConfigPosition(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        }

        mutating func convert(_ node: Node, keyPath: String) -> ConfigNode {
            let here = position(node.mark)
            switch node {
            case .scalar(let scalar):
                return convertScalar(scalar, at: here, keyPath: keyPath)
            case .mapping(let mapping):
                var entries: [ConfigEntry] = []
                for (key, value) in mapping {
                    let name = key.scalar?.string ?? "\(key)"
                    if entries.contains(where: { $0.key == name }) {
                        diagnostics.append(
                            ConfigDiagnostic(
                                at: position(key.mark), keyPath: join(keyPath, name), "duplicate key \"\(name)\""))
                    }
                    let child = convert(value, keyPath: join(keyPath, name))
                    entries.append(ConfigEntry(key: name, keyPosition: position(key.mark), value: child))
                }
                return ConfigNode(kind: .mapping(entries), position: here, keyPath: keyPath)
            case .sequence(let sequence):
                let items = sequence.enumerated().map { convert($0.element, keyPath: "\(keyPath)[\($0.offset)]") }
                return ConfigNode(kind: .sequence(items), position: here, keyPath: keyPath)
            case .alias:
                diagnostics.append(ConfigDiagnostic(at: here, keyPath: keyPath, "YAML aliases are not supported"))
                return ConfigNode(kind: .null, position: here, keyPath: keyPath)
            }
        }

        mutating func convertScalar(_ scalar: Node.Scalar, at here: ConfigPosition, keyPath: String) -> ConfigNode {
            let plain = scalar.style == .plain || scalar.style == .any
            if plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return ConfigNode(kind: .null, position: here, keyPath: keyPath)
            }
            switch interpolation.expand(scalar.string) {
            case .success(let result):
                if result.variables.contains(where: Interpolation.isSecretName) {
                    for value in result.substituted where !value.isEmpty {
                        secrets.append(value)
                        if let password = URLComponents(string: value)?.password, !password.isEmpty {
                            secrets.append(password)
                        }
                    }
                }
                if plain, result.text.isEmpty, !result.variables.isEmpty {
                    return ConfigNode(kind: .null, position: here, keyPath: keyPath)
                }
                var node = ConfigNode(kind: .scalar(result.text), position: here, keyPath: keyPath)
                if result.variables.isEmpty {
                    switch scalar.style {
                    case .plain, .any: node.textColumnOffset = 0
                    case .singleQuoted where !scalar.string.contains("'"): node.textColumnOffset = 1
                    case .doubleQuoted where scalar.string.allSatisfy({ $0 != "\\" && $0 != "\"" && !$0.isNewline }):
                        node.textColumnOffset = 1
                    default: break
                    }
                    if scalar.string.contains(where: \.isNewline) { node.textColumnOffset = nil }
                }
                return node
            case .failure(let failure):
                var at = here
                if plain { at.column += failure.offset }
                diagnostics.append(ConfigDiagnostic(at: at, keyPath: keyPath, failure.message))
                return ConfigNode(kind: .null, position: here, keyPath: keyPath)
            }
        }

        func join(_ path: String, _ key: String) -> String {
            path.isEmpty ? key : "\(path).\(key)"
        }
    }
}
