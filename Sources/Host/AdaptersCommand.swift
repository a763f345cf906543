import ArgumentParser
import ETLFramework

/// `host adapters`: lists the registered source and store types with their keys.
struct AdaptersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapters", abstract: "List the registered source and store types and their keys.")

    func run() {
        let registry = Plugins.registry
        print("sources:")
        for registration in registry.sources.values.sorted(by: { $0.type < $1.type }) {
            print(describe(type: registration.type, summary: registration.summary, keys: registration.keys))
        }
        print("stores:")
        for registration in registry.stores.values.sorted(by: { $0.type < $1.type }) {
            print(describe(type: registration.type, summary: registration.summary, keys: registration.keys))
        }
    }

    func describe(type: String, summary: String, keys: [ConfigKeyDoc]) -> String {
        var lines = ["  \(type): \(summary)"]
        for key in keys {
            lines.append("    \(key.name) (\(key.type)\(key.required ? ", required" : "")): \(key.summary)")
        }
        return lines.joined(separator: "\n")
    }
}
