import Foundation

/// Checks a decoded JSON value against an OpenAPI 3.0 schema: `$ref`, `type` (with `nullable`),
/// `required`, `properties`, `additionalProperties`, `items`, `enum`, `allOf`. Enough to hold the
/// served answers to the document; returns every mismatch with its JSON path.
struct SchemaValidator {
    let document: [String: Any]

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let reference = schema["$ref"] as? String, reference.hasPrefix("#/") else { return schema }
        var current: Any? = document
        for part in reference.dropFirst(2).split(separator: "/") { current = (current as? [String: Any])?[String(part)] }
        return resolve(current as? [String: Any] ?? [:])
    }

    func validate(_ value: Any, against rawSchema: [String: Any], at path: String = "$") -> [String] {
        let schema = resolve(rawSchema)
        if let all = schema["allOf"] as? [[String: Any]] {
            // Merged into one object schema, so each part's members are known to the whole.
            var merged: [String: Any] = ["type": "object"]
            var properties: [String: Any] = [:]
            var required: [String] = []
            for part in all.map(resolve) {
                properties.merge(part["properties"] as? [String: Any] ?? [:]) { _, new in new }
                required += part["required"] as? [String] ?? []
            }
            merged["properties"] = properties
            merged["required"] = required
            return validate(value, against: merged, at: path)
        }
        if value is NSNull {
            return schema["nullable"] as? Bool == true || schema["type"] == nil ? [] : ["\(path): null where \(schema["type"] ?? "?") is required"]
        }
        var problems: [String] = []
        if let allowed = schema["enum"] as? [String], let text = value as? String, !allowed.contains(text) {
            problems.append("\(path): \"\(text)\" is not one of \(allowed)")
        }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): missing required \(key)")
            }
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for (key, member) in object {
                if let property = properties[key] {
                    problems += validate(member, against: property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    problems += validate(member, against: additional, at: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path): unexpected member \(key)")
                } else if !properties.isEmpty, schema["additionalProperties"] == nil {
                    problems.append("\(path): member \(key) is not in the schema")
                }
            }
        case "array":
            guard let array = value as? [Any] else { return ["\(path): not an array"] }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() { problems += validate(item, against: items, at: "\(path)[\(index)]") }
            }
        case "string":
            if !(value is String) { problems.append("\(path): not a string") }
        case "integer":
            guard let number = value as? NSNumber, !(value is String), number.doubleValue.rounded() == number.doubleValue else {
                return problems + ["\(path): not an integer"]
            }
        case "number":
            if !(value is NSNumber) || value is String { problems.append("\(path): not a number") }
        default:
            break
        }
        return problems
    }

    /// The schema of the JSON answer of `method path` with `status`.
    func responseSchema(path: String, method: String, status: Int) -> [String: Any]? {
        let paths = document["paths"] as? [String: Any]
        let operation = (paths?[path] as? [String: Any])?[method] as? [String: Any]
        let responses = operation?["responses"] as? [String: Any]
        let response = resolve(responses?[String(status)] as? [String: Any] ?? [:])
        let content = (response["content"] as? [String: Any])?["application/json"] as? [String: Any]
        return content?["schema"] as? [String: Any]
    }
}
