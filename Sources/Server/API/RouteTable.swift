import Hummingbird

/// The paths the API serves and the methods each takes, built from the endpoints, so that a known
/// path asked with another method is a 405 naming the allowed ones (`Allow`), not a 404.
struct RouteTable: Sendable {
    /// Path patterns (`*` is one segment) and their methods.
    let routes: [(pattern: [Substring], methods: [HTTPRequest.Method])]

    init(_ endpoints: [Endpoint]) {
        var routes: [(pattern: [Substring], methods: [HTTPRequest.Method])] = []
        for endpoint in endpoints {
            let pattern = Self.segments(endpoint.path).map { $0.hasPrefix("{") ? "*" : $0 }
            if let index = routes.firstIndex(where: { $0.pattern == pattern }) {
                routes[index].methods.append(endpoint.method)
            } else {
                routes.append((pattern, [endpoint.method]))
            }
        }
        // The router answers HEAD wherever it answers GET.
        self.routes = routes.map { route in
            (route.pattern, route.methods.contains(.get) ? route.methods + [.head] : route.methods)
        }
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The methods `path` is served with; empty when no route has that path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = Self.segments(path)
        for route in routes where route.pattern.count == parts.count {
            if zip(route.pattern, parts).allSatisfy({ $0 == "*" || $0 == $1 }) { return route.methods }
        }
        return []
    }
}
