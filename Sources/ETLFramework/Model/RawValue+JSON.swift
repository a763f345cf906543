extension RawValue {
    /// Compact JSON text of this value, with object keys in source order.
    ///
    /// The text is canonical for a given value, so its hash identifies a payload version.
    public var jsonText: String {
        var output = ""
        output.reserveCapacity(128)
        appendJSON(to: &output)
        return output
    }

    func appendJSON(to output: inout String) {
        switch self {
        case .string(let text): Self.appendQuoted(text, to: &output)
        case .number(let text): output += text
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.appendJSON(to: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, field) in fields.enumerated() {
                if index > 0 { output += "," }
                Self.appendQuoted(field.name, to: &output)
                output += ":"
                field.value.appendJSON(to: &output)
            }
            output += "}"
        }
    }

    /// Appends `text` as a JSON string literal (quotes, escapes) to `output`.
    public static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        var text = text
        let plain = text.withUTF8 { utf8 in
            for byte in utf8 where byte < 0x20 || byte == 34 || byte == 92 { return false }
            return true
        }
        if plain {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
