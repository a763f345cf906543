/// Finds the nearest known name to a misspelt one, for "did you mean" hints.
public enum Suggestion {
    /// The candidate within edit distance 3 (and less than the name's length) closest to `name`.
    /// Failing that, the candidate sharing the most words with it (`volume_24h` finds `volume_24h_usd`).
    public static func nearest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: distance(name.lowercased(), $0.lowercased())) }
        if let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= min(3, max(1, name.count - 1)) {
            return best.candidate
        }
        // At least half of the name's words must be shared (`usd` alone is no likeness).
        let words = Set(tokens(name))
        guard let closest = closest(to: name, in: candidates),
            words.intersection(tokens(closest)).count * 2 >= max(1, words.count)
        else { return nil }
        return closest
    }

    /// Levenshtein distance between two strings.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension Suggestion {
    /// The candidate most like `name`, however far: most shared words (split at `_`, `-`, `.` and
    /// spaces, case ignored), then smallest edit distance. `volume_24h` finds `24h_volume_usd`.
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let words = Set(tokens(name))
        return candidates.min { a, b in
            let sharedA = words.intersection(tokens(a)).count, sharedB = words.intersection(tokens(b)).count
            if sharedA != sharedB { return sharedA > sharedB }
            return distance(name.lowercased(), a.lowercased()) < distance(name.lowercased(), b.lowercased())
        }
    }

    static func tokens(_ text: String) -> [String] {
        text.lowercased().split { "_-. ".contains($0) }.map(String.init)
    }
}
