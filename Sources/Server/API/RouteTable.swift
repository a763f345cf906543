import Hummingbird

/// The paths the API serves and the methods each takes, so that a known path asked with another
/// method is a 405 naming the allowed ones (`Allow`), not a 404.
enum RouteTable {
    /// Path patterns (`*` is one segment) and their methods.
    static let routes: [(pattern: [Substring], methods: [HTTPRequest.Method])] = [
        ("/", [.get]), ("/dashboard/*", [.get]), ("/openapi.json", [.get]), ("/metrics", [.get]), ("/data", [.get]),
        ("/data/*", [.get]), ("/data/*/history", [.get]), ("/health", [.get]), ("/stats", [.get]),
        ("/trigger-etl", [.post]), ("/runs", [.get]), ("/runs/*", [.get]),
    ].map { (segments($0.0), $0.1) }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The methods `path` is served with; empty when no route has that path.
    static func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = segments(path)
        for route in routes where route.pattern.count == parts.count {
            if zip(route.pattern, parts).allSatisfy({ $0 == "*" || $0 == $1 }) { return route.methods }
        }
        return []
    }
}
