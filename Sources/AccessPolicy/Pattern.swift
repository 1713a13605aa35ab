/// A compiled pattern from a policy: literal bytes, the wildcards `*` and `?`, and policy variables
/// (`${aws:username}`, with an optional default `${aws:x, 'v'}`; `${*}`, `${?}`, `${$}` are escapes).
///
/// Matching reads the text's UTF-8 bytes in place and allocates nothing; a variable's value is
/// read from the request context and matched as literal bytes.
struct Pattern: Sendable {
    /// The compiled form, one code per element: a byte (0...255), ``one``, ``star``, or
    /// ``variableBase`` + n for the n-th entry of ``variables``. Plain integers, so matching
    /// walks the pattern without reference counting.
    let codes: [UInt16]
    /// Policy variables: lower-cased key, and the default's bytes if one was given.
    let variables: [(key: String, fallback: [UInt8]?)]
    /// The pattern is `*` alone.
    let matchesEverything: Bool

    static let one: UInt16 = 256
    static let star: UInt16 = 257
    static let variableBase: UInt16 = 258

    /// - Parameters:
    ///   - wildcards: `*` and `?` are wildcards (`...Like` operators, actions, resources).
    ///   - variables: `${...}` are policy variables (version 2012-10-17).
    ///   - lowercase: fold the pattern to lower case (case-insensitive comparisons).
    init(_ text: String, wildcards: Bool, variables allowVariables: Bool, lowercase: Bool) {
        var codes: [UInt16] = []
        var variables: [(key: String, fallback: [UInt8]?)] = []
        let bytes = Array(text.utf8)
        var index = 0
        func fold(_ byte: UInt8) -> UInt8 { lowercase && byte >= 65 && byte <= 90 ? byte + 32 : byte }
        while index < bytes.count {
            let byte = bytes[index]
            if allowVariables, byte == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
                let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}"))
            {
                let body = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                index = close + 1
                switch body {
                case "*", "?", "$": codes.append(UInt16(body.utf8.first!))
                default:
                    let parts = body.split(separator: ",", maxSplits: 1)
                    let key = parts.first.map { String($0).trimmedSpaces.lowercased() } ?? ""
                    var fallback: [UInt8]?
                    if parts.count == 2 {
                        let text = String(parts[1]).trimmedSpaces
                        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { fallback = Array(text.dropFirst().dropLast().utf8).map(fold) }
                    }
                    codes.append(Self.variableBase + UInt16(variables.count))
                    variables.append((key, fallback))
                }
                continue
            }
            if wildcards, byte == UInt8(ascii: "*") {
                codes.append(Self.star)
            } else if wildcards, byte == UInt8(ascii: "?") {
                codes.append(Self.one)
            } else {
                codes.append(UInt16(fold(byte)))
            }
            index += 1
        }
        self.codes = codes
        self.variables = variables
        matchesEverything = codes == [Self.star]
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
        return codes.withUnsafeBufferPointer { codes in
            var token = 0
            var position = text.startIndex
            var starToken = -1
            var starPosition = text.startIndex
            while position < text.endIndex {
                if token < codes.count {
                    let code = codes[token]
                    if code < 256 {
                        let byte = text[position]
                        if (foldText && byte >= 65 && byte <= 90 ? byte + 32 : byte) == UInt8(code) {
                            token += 1
                            position += 1
                            continue
                        }
                    } else if code == Self.one {
                        token += 1
                        position += 1
                        continue
                    } else if code == Self.star {
                        starToken = token
                        starPosition = position
                        token += 1
                        continue
                    } else if let length = variablePrefix(Int(code - Self.variableBase), text[position...], context: context, foldText: foldText) {
                        token += 1
                        position += length
                        continue
                    }
                }
                guard starToken >= 0 else { return false }
                token = starToken + 1
                starPosition += 1
                position = starPosition
            }
            while token < codes.count {
                let code = codes[token]
                if code == Self.star {
                    token += 1
                } else if code >= Self.variableBase,
                    variablePrefix(Int(code - Self.variableBase), text[position...], context: context, foldText: foldText) == 0
                {
                    token += 1
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// How many bytes a variable's value covers at the start of `text` (`nil`: it does not match, or has no value).
    func variablePrefix(_ variable: Int, _ text: Slice<UnsafeBufferPointer<UInt8>>, context: RequestContext, foldText: Bool) -> Int? {
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
        if let values = context.keys[variables[variable].key] {
            guard values.count == 1 else { return nil }
            var value = values[0]
            return value.withUTF8 { prefix($0) }
        }
        return variables[variable].fallback.flatMap { prefix($0) }
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
