extension PipelineFileLoader {
    /// Builds a pipeline's chain from its `transform:` block: a list of one-key steps (`- filter:
    /// {...}`), or the older `{normalize: {...}}` mapping. The normalizer ends the chain; it is added
    /// when the list does not end with it. Every step's problems are reported in one pass.
    func makeChain(_ node: ConfigNode?, pipeline: ConfigNode, context: ComponentContext) throws -> TransformChain {
        var problems = ConfigProblems()
        var entries: [ConfigEntry] = []
        switch node?.kind {
        case nil, .null?:
            break
        case .mapping(let mapping)?:
            for entry in mapping where entry.key != NormalizeTransform.type {
                problems.append(
                    ConfigDiagnostic(
                        at: entry.keyPosition, keyPath: entry.value.keyPath,
                        "transform: as a mapping takes only normalize; list the steps instead (- \(entry.key): ...)"))
            }
            entries = mapping.filter { $0.key == NormalizeTransform.type }
        case .sequence(let items)?:
            for item in items {
                guard case .mapping(let mapping) = item.kind, mapping.count == 1 else {
                    problems.append(
                        item.diagnostic(
                            "each step is a map with one key, the transform type (such as - filter: { where: \"price_usd > 0\" })"))
                    continue
                }
                entries.append(mapping[0])
            }
        case .scalar?:
            problems.append(node!.diagnostic("expected a list of steps (- rename: {...}) or {normalize: {...}}"))
        }
        let counts = Dictionary(entries.map { ($0.key, 1) }, uniquingKeysWith: +)
        var steps: [TransformChain.Step] = []
        var normalizer: (any RecordNormalizer)?
        for (index, entry) in entries.enumerated() {
            let typeNode = ConfigNode(kind: .scalar(entry.key), position: entry.keyPosition, keyPath: entry.value.keyPath)
            let spec = ComponentSpec(type: entry.key, node: entry.value, typeNode: typeNode)
            guard let step = problems.attempt({ try registry.makeTransform(spec, context: context) }) else { continue }
            let name = counts[entry.key, default: 0] > 1 ? "\(entry.key) (step \(index + 1))" : entry.key
            switch step {
            case .records(let transformer):
                if normalizer != nil {
                    problems.append(typeNode.diagnostic("\(entry.key) comes after the normalize step; normalize must be the last step"))
                }
                steps.append(TransformChain.Step(name: name, transformer: transformer))
            case .normalizer(let made):
                if normalizer != nil { problems.append(typeNode.diagnostic("a chain has one normalize step; this is the second")) }
                normalizer = made
            }
        }
        if normalizer == nil, problems.diagnostics.isEmpty {
            guard registry.transforms[NormalizeTransform.type] != nil else {
                throw ConfigErrors([(node ?? pipeline).diagnostic("no normalize transform is registered")])
            }
            let implicit = ComponentSpec(
                type: NormalizeTransform.type,
                node: ConfigNode(kind: .null, position: (node ?? pipeline).position, keyPath: (node ?? pipeline).keyPath))
            if case .normalizer(let made) = try registry.makeTransform(implicit, context: context) { normalizer = made }
        }
        try problems.throwIfAny()
        return TransformChain(steps: steps, normalizer: normalizer!)
    }
}
