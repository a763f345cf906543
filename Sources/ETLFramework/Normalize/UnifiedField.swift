/// A field of the unified schema that a source field can be mapped to.
public enum UnifiedField: String, CaseIterable, CodingKey, Sendable, Hashable {
    case ticker
    case name
    case priceUSD = "price_usd"
    case marketCapUSD = "market_cap_usd"
    case volume24hUSD = "volume_24h_usd"
    case percentChange24h = "percent_change_24h"
    case rank
    /// When the values were true at the source.
    case observedAt = "observed_at"
    /// The source's own id of the asset.
    case id
}

/// Which source field (a dotted path into the payload) feeds each unified field.
///
/// Decoded from `mapping:` blocks; unknown unified fields are reported with the nearest name. A
/// mapping knows which of its entries were written in the pipeline file (``configured``) and which
/// are an adapter's defaults, so that a wrong name the user wrote is an error, while a default
/// column the data lacks is only noted.
public struct FieldMapping: Sendable, Hashable, Decodable {
    public var paths: [UnifiedField: String]
    /// The fields whose paths come from the pipeline file rather than an adapter's defaults.
    public var configured: Set<UnifiedField>

    /// A mapping of defaults.
    public init(_ paths: [UnifiedField: String] = [:]) {
        self.paths = paths
        self.configured = []
    }

    /// A mapping as written in a pipeline file.
    public init(configured paths: [UnifiedField: String]) {
        self.paths = paths
        self.configured = Set(paths.keys)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: UnifiedField.self)
        var paths: [UnifiedField: String] = [:]
        for key in container.allKeys {
            paths[key] = try container.decode(String.self, forKey: key)
        }
        self.paths = paths
        self.configured = Set(paths.keys)
    }

    public subscript(field: UnifiedField) -> String? {
        paths[field]
    }

    /// This mapping with `other`'s entries taking precedence.
    public func overridden(by other: FieldMapping?) -> FieldMapping {
        guard let other else { return self }
        var merged = FieldMapping(paths.merging(other.paths) { _, new in new })
        merged.configured = configured.union(other.configured)
        return merged
    }
}
