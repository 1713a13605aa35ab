/// Glob matching as IAM does it: `*` matches any run of characters (including none), `?` exactly one.
///
/// Policy variables may bring a literal `*` or `?` into a pattern (`${*}`, or a value that contains
/// one); ``PolicyVariables`` marks those with the private-use scalars U+E000 and U+E001, which match
/// only the literal character here.
enum Wildcard {
    static let literalStar: Unicode.Scalar = "\u{E000}"
    static let literalQuestion: Unicode.Scalar = "\u{E001}"

    /// Whether `text` matches `pattern` (both already case-folded when the comparison ignores case).
    static func matches(_ pattern: String, _ text: String) -> Bool {
        if !pattern.unicodeScalars.contains(where: { $0 == "*" || $0 == "?" || $0 == literalStar || $0 == literalQuestion }) {
            return pattern == text
        }
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        func same(_ pattern: Unicode.Scalar, _ text: Unicode.Scalar) -> Bool {
            switch pattern {
            case "?": true
            case literalStar: text == "*"
            case literalQuestion: text == "?"
            default: pattern == text
            }
        }
        while ti < t.count {
            if pi < p.count, p[pi] != "*", same(p[pi], t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// ARN matching by segment: the six colon-separated parts each match; the last may contain colons.
    static func arnMatches(_ pattern: String, _ arn: String) -> Bool {
        if pattern == "*" { return true }
        let patternParts = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let arnParts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard patternParts.count == 6, arnParts.count == 6 else { return matches(pattern, arn) }
        return zip(patternParts, arnParts).allSatisfy { matches(String($0), String($1)) }
    }
}
