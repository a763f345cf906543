extension Substring {
    /// The text without leading and trailing ASCII spaces, tabs, CR and LF: the fast trim the
    /// per-record paths use (Foundation's `trimmingCharacters` bridges through NSString).
    public var trimmedASCIIWhitespace: Substring {
        let utf8 = self.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return self[start..<end]
    }
}

extension String {
    /// See ``Swift/Substring/trimmedASCIIWhitespace``.
    public var trimmedASCIIWhitespace: Substring {
        Substring(self).trimmedASCIIWhitespace
    }
}
