/// A problem in a configuration file, with the position and key it concerns.
///
/// Printed as `pipelines.yaml:14:11: pipelines[0].source.type: unknown source type "coinpaprka"
/// (did you mean "coinpaprika"?)`.
public struct ConfigDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: ConfigPosition
    /// Dotted key path, such as `pipelines[0].source.path`; empty for the document itself.
    public var keyPath: String
    public var message: String

    public init(at position: ConfigPosition, keyPath: String, _ message: String) {
        self.position = position
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(position): \(message)" : "\(position): \(keyPath): \(message)"
    }
}

/// One or more configuration problems, all reported together.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// A 1-based line and column in a named file.
public struct ConfigPosition: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
