/// Collects configuration problems from several independent steps, to report them together.
public struct ConfigProblems: Sendable {
    public private(set) var diagnostics: [ConfigDiagnostic] = []

    public init() {}

    /// Runs `body`; on a configuration error records it and returns `nil`.
    public mutating func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let errors as ConfigErrors {
            diagnostics += errors.diagnostics
        } catch let diagnostic as ConfigDiagnostic {
            diagnostics.append(diagnostic)
        } catch {
            diagnostics.append(ConfigDiagnostic(at: ConfigPosition(file: "", line: 1, column: 1), keyPath: "", "\(error)"))
        }
        return nil
    }

    public mutating func append(_ diagnostic: ConfigDiagnostic) {
        diagnostics.append(diagnostic)
    }

    public var isEmpty: Bool { diagnostics.isEmpty }

    /// Throws ``ConfigErrors`` when anything was recorded.
    public func throwIfAny() throws {
        if !diagnostics.isEmpty { throw ConfigErrors(diagnostics) }
    }
}
