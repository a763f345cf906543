/// Cache keys of the read queries: every field, each text length-prefixed so that no two queries
/// share a key. Built directly (a default `"\(query)"` reflects over the fields, on every request).
extension RecordQuery {
    public var cacheKey: String {
        var key = "data"
        QueryKey.append(source, to: &key)
        QueryKey.append(ticker, to: &key)
        QueryKey.append(start, to: &key)
        QueryKey.append(end, to: &key)
        QueryKey.append(after, to: &key)
        key += "|\(limit)|\(offset)"
        return key
    }
}

extension HistoryQuery {
    public var cacheKey: String {
        var key = "history"
        QueryKey.append(ticker, to: &key)
        QueryKey.append(source, to: &key)
        QueryKey.append(start, to: &key)
        QueryKey.append(end, to: &key)
        key += "|\(limit)|\(offset)"
        return key
    }
}

extension RunQuery {
    public var cacheKey: String {
        var key = "runs"
        QueryKey.append(pipeline, to: &key)
        QueryKey.append(status?.rawValue, to: &key)
        key += "|\(limit)|\(offset)"
        return key
    }
}

enum QueryKey {
    static func append(_ text: String?, to key: inout String) {
        guard let text else {
            key += "|-"
            return
        }
        key += "|\(text.utf8.count):"
        key += text
    }

    static func append(_ time: Timestamp?, to key: inout String) {
        key += time.map { "|\($0.microseconds)" } ?? "|-"
    }
}
