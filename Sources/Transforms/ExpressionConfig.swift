import ETLFramework

extension ComponentConfig {
    /// Parses the expression written at `node`; a mistake is a diagnostic at the line and column of
    /// the character at fault (for an expression written on one line).
    func expression(at node: ConfigNode) throws -> Expression {
        guard case .scalar(let text) = node.kind else {
            throw ConfigErrors([node.diagnostic("expected an expression, got \(node.kindName)")])
        }
        do {
            return try ExpressionParser.parse(text)
        } catch {
            throw ConfigErrors([
                ConfigDiagnostic(
                    at: node.position(atTextOffset: error.offset), keyPath: node.keyPath,
                    "\(error.message) in \"\(text)\"")
            ])
        }
    }

    /// The entries of this block's mapping, in the order written, each value a scalar.
    func orderedScalars(_ what: String) throws -> [(key: String, value: String, node: ConfigNode)] {
        guard case .mapping(let entries) = spec.node.kind, !entries.isEmpty else {
            throw ConfigErrors([spec.node.diagnostic("expected a mapping of \(what)")])
        }
        var problems = ConfigProblems()
        var pairs: [(key: String, value: String, node: ConfigNode)] = []
        for entry in entries {
            guard case .scalar(let value) = entry.value.kind else {
                problems.append(entry.value.diagnostic("expected text, got \(entry.value.kindName)"))
                continue
            }
            pairs.append((entry.key, value, entry.value))
        }
        try problems.throwIfAny()
        return pairs
    }
}
