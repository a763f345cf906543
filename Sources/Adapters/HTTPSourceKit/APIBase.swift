import ETLFramework
import Foundation

/// Checks a configured `base_url`.
public enum APIBase {
    /// `text` as an http(s) URL, or a diagnostic at the `base_url` key.
    public static func url(_ text: String, config: ComponentConfig, key: String = "base_url") throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw config.diagnostic(key: key, "\(key) must be an http:// or https:// URL, got \"\(text.prefix(80))\"")
        }
        return url
    }
}
