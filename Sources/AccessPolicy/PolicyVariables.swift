import Foundation

/// Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${aws:x, 'default'}`) and the
/// escapes `${*}`, `${?}`, `${$}`, as the 2012-10-17 language defines them.
enum PolicyVariables {
    /// Whether `text` contains a variable at all.
    static func present(_ text: String) -> Bool { text.contains("${") }

    /// `text` with every variable replaced by its single value in `context`, or `nil` when one has
    /// no value and no default (the element then matches nothing). With `escapeWildcards`, values'
    /// own `*` and `?` are kept literal by the caller's matcher (see ``Wildcard``): they are
    /// returned as the private escape characters `\u{E000}` and `\u{E001}`.
    static func substitute(_ text: String, in context: RequestContext, escapeWildcards: Bool) -> String? {
        guard present(text) else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let body = rest[open.upperBound..<close]
            rest = rest[rest.index(after: close)...]
            switch body {
            case "*": out += escapeWildcards ? "\u{E000}" : "*"
            case "?": out += escapeWildcards ? "\u{E001}" : "?"
            case "$": out += "$"
            default:
                let parts = body.split(separator: ",", maxSplits: 1)
                let key = parts[0].trimmingCharacters(in: .whitespaces)
                if let values = context.values(key), values.count == 1 {
                    var value = values[0]
                    if escapeWildcards {
                        value = value.replacingOccurrences(of: "*", with: "\u{E000}").replacingOccurrences(of: "?", with: "\u{E001}")
                    }
                    out += value
                } else if parts.count == 2 {
                    let fallback = parts[1].trimmingCharacters(in: .whitespaces)
                    guard fallback.hasPrefix("'"), fallback.hasSuffix("'"), fallback.count >= 2 else { return nil }
                    out += fallback.dropFirst().dropLast()
                } else {
                    return nil
                }
            }
        }
        return out + rest
    }
}

