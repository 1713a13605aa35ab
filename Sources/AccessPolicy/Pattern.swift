/// A compiled pattern from a policy: literal bytes, the wildcards `*` and `?`, and policy variables
/// (`${aws:username}`, with an optional default `${aws:x, 'v'}`; `${*}`, `${?}`, `${$}` are escapes).
///
/// Matching reads the text's UTF-8 bytes in place and allocates nothing; a variable's value is
/// read from the request context and matched as literal bytes.
struct Pattern: Sendable {
    enum Token: Sendable {
        case byte(UInt8)
        case one
        case star
        /// A policy variable: its lower-cased key, and the default's bytes if one was given.
        case variable(String, [UInt8]?)
    }

    let tokens: [Token]
    /// The pattern is `*` alone.
    let matchesEverything: Bool

    /// - Parameters:
    ///   - wildcards: `*` and `?` are wildcards (`...Like` operators, actions, resources).
    ///   - variables: `${...}` are policy variables (version 2012-10-17).
    ///   - lowercase: fold the pattern to lower case (case-insensitive comparisons).
    init(_ text: String, wildcards: Bool, variables: Bool, lowercase: Bool) {
        var tokens: [Token] = []
        let bytes = Array(text.utf8)
        var index = 0
        func fold(_ byte: UInt8) -> UInt8 { lowercase && byte >= 65 && byte <= 90 ? byte + 32 : byte }
        while index < bytes.count {
            let byte = bytes[index]
            if variables, byte == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
                let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}"))
            {
                let body = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                index = close + 1
                switch body {
                case "*": tokens.append(.byte(UInt8(ascii: "*")))
                case "?": tokens.append(.byte(UInt8(ascii: "?")))
                case "$": tokens.append(.byte(UInt8(ascii: "$")))
                default:
                    let parts = body.split(separator: ",", maxSplits: 1)
                    let key = parts.first.map { String($0).trimmedSpaces.lowercased() } ?? ""
                    var fallback: [UInt8]?
                    if parts.count == 2 {
                        let text = String(parts[1]).trimmedSpaces
                        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { fallback = Array(text.dropFirst().dropLast().utf8).map(fold) }
                    }
                    tokens.append(.variable(key, fallback))
                }
                continue
            }
            if wildcards, byte == UInt8(ascii: "*") {
                tokens.append(.star)
            } else if wildcards, byte == UInt8(ascii: "?") {
                tokens.append(.one)
            } else {
                tokens.append(.byte(fold(byte)))
            }
            index += 1
        }
        self.tokens = tokens
        matchesEverything = tokens.count == 1 && { if case .star = tokens[0] { return true } else { return false } }()
    }

    /// Whether `text` matches; `foldText` compares the text's ASCII letters in lower case.
    func matches(_ text: String, context: RequestContext, foldText: Bool = false) -> Bool {
        if matchesEverything { return true }
        var text = text
        return text.withUTF8 { matches($0[...], context: context, foldText: foldText) }
    }

    /// Whether the bytes match (the two-pointer wildcard algorithm, with backtracking to the last `*`).
    func matches(_ text: Slice<UnsafeBufferPointer<UInt8>>, context: RequestContext, foldText: Bool) -> Bool {
        if matchesEverything { return true }
        var token = 0
        var position = text.startIndex
        var starToken = -1
        var starPosition = text.startIndex
        func folded(_ byte: UInt8) -> UInt8 { foldText && byte >= 65 && byte <= 90 ? byte + 32 : byte }
        while position < text.endIndex {
            if token < tokens.count {
                switch tokens[token] {
                case .byte(let byte) where folded(text[position]) == byte:
                    token += 1
                    position += 1
                    continue
                case .one:
                    token += 1
                    position += 1
                    continue
                case .star:
                    starToken = token
                    starPosition = position
                    token += 1
                    continue
                case .variable(let key, let fallback):
                    if let length = variablePrefix(key, fallback, text[position...], context: context, foldText: foldText) {
                        token += 1
                        position += length
                        continue
                    }
                default:
                    break
                }
            }
            guard starToken >= 0 else { return false }
            token = starToken + 1
            starPosition += 1
            position = starPosition
        }
        while token < tokens.count {
            switch tokens[token] {
            case .star: token += 1
            case .variable(let key, let fallback) where variablePrefix(key, fallback, text[position...], context: context, foldText: foldText) == 0:
                token += 1
            default: return false
            }
        }
        return true
    }

    /// How many bytes a variable's value covers at the start of `text` (`nil`: it does not match, or has no value).
    func variablePrefix(
        _ key: String, _ fallback: [UInt8]?, _ text: Slice<UnsafeBufferPointer<UInt8>>, context: RequestContext, foldText: Bool
    ) -> Int? {
        func prefix(_ value: some Collection<UInt8>) -> Int? {
            guard value.count <= text.count else { return nil }
            var position = text.startIndex
            for byte in value {
                let candidate = text[position]
                guard (foldText && candidate >= 65 && candidate <= 90 ? candidate + 32 : candidate) == byte else { return nil }
                position += 1
            }
            return value.count
        }
        if let values = context.keys[key] {
            guard values.count == 1 else { return nil }
            var value = values[0]
            return value.withUTF8 { prefix($0) }
        }
        return fallback.flatMap { prefix($0) }
    }
}

/// An ARN pattern, matched segment by segment: a wildcard in one of the first five segments
/// does not reach across a colon; the sixth (the resource) may contain colons.
struct ARNPattern: Sendable {
    let whole: Pattern
    /// The six segments, when the pattern has them.
    let segments: [Pattern]?

    init(_ text: String, variables: Bool) {
        whole = Pattern(text, wildcards: true, variables: variables, lowercase: false)
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        segments = parts.count == 6 ? parts.map { Pattern(String($0), wildcards: true, variables: variables, lowercase: false) } : nil
    }

    func matches(_ arn: String, context: RequestContext) -> Bool {
        if whole.matchesEverything { return true }
        var arn = arn
        return arn.withUTF8 { bytes in
            guard let segments else { return whole.matches(bytes[...], context: context, foldText: false) }
            var start = bytes.startIndex
            for index in 0..<6 {
                var end = bytes.endIndex
                if index < 5 {
                    guard let colon = bytes[start...].firstIndex(of: UInt8(ascii: ":")) else { return false }
                    end = colon
                }
                guard segments[index].matches(bytes[start..<end], context: context, foldText: false) else { return false }
                start = end < bytes.endIndex ? end + 1 : end
            }
            return true
        }
    }
}

extension String {
    var trimmedSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
