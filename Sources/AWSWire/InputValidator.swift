import Foundation
import Synchronization

/// Checks a decoded input against the model's constraints (required members, lengths,
/// ranges, enums, patterns) and words each failure as AWS does:
/// `1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null`.
struct InputValidator {
    let model: ServiceModel

    /// The failures a message lists; the count covers them all. (A request of 100,000 bad items gets an answer of
    /// a few, not one line each.)
    static let listedFailures = 10

    /// A request's failures: the first ``listedFailures`` worded, the rest only counted.
    struct Problems {
        private(set) var listed: [String] = []
        private(set) var count = 0

        mutating func append(_ problem: @autoclosure () -> String) {
            count += 1
            if listed.count < InputValidator.listedFailures { listed.append(problem()) }
        }
    }

    func validate(_ value: AWSValue, shape: Shape, optional: Set<String> = []) throws(AWSError) {
        var problems = Problems()
        check(value, shape: shape, path: "", optional: optional, problems: &problems)
        guard problems.count > 0 else { return }
        let count = problems.count == 1 ? "1 validation error detected: " : "\(problems.count) validation errors detected: "
        throw AWSError.validation(count + problems.listed.joined(separator: "; "), wireProtocol: model.wireProtocol)
    }

    func check(_ value: AWSValue, shape: Shape, path: String, optional: Set<String> = [], problems: inout Problems) {
        // Paths and messages are spelled only for a failure: most inputs are valid.
        func fail(_ shown: String?, _ constraint: String) {
            let subject = shape.sensitive ? "Value at" : shown.map { "Value '\($0)' at" } ?? "Value at"
            problems.append("\(subject) '\(Self.memberPath(path))' failed to satisfy constraint: \(constraint)")
        }
        switch value {
        case .object(let members) where shape.kind == .structure:
            let missing = shape.required.filter { members[$0] == nil && !optional.contains($0) }
            for name in missing.sorted() {
                problems.append("Value null at '\(Self.memberPath(path.isEmpty ? name : path + "." + name))' failed to satisfy constraint: Member must not be null")
            }
            // In name order, so that several failures are listed alike every time.
            for (name, member) in members.count < 2 ? Array(members) : members.sorted(by: { $0.key < $1.key }) {
                guard let reference = shape.members[name] else { continue }
                check(member, shape: model.shape(reference), path: path.isEmpty ? name : path + "." + name, problems: &problems)
            }
        case .object(let entries):
            checkLength(entries.count, shape: shape) { fail(nil, $0) }
            for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
                if let keyReference = shape.key {
                    check(.string(key), shape: model.shape(keyReference), path: path + ".key", problems: &problems)
                }
                if let valueReference = shape.value {
                    check(entry, shape: model.shape(valueReference), path: path + "." + key, problems: &problems)
                }
            }
        case .list(let items):
            checkLength(items.count, shape: shape) { fail(nil, $0) }
            if let member = shape.member {
                let memberShape = model.shape(member)
                for (index, item) in items.enumerated() {
                    check(item, shape: memberShape, path: "\(path).\(index + 1).member", problems: &problems)
                }
            }
        case .string(let text):
            // Smithy's length of a string counts Unicode scalar values.
            checkLength(text.unicodeScalars.count, shape: shape) { fail(text, $0) }
            if let values = shape.enumValues, !values.contains(text) {
                fail(text, "Member must satisfy enum value set: [\(values.joined(separator: ", "))]")
            } else if let pattern = shape.pattern, !PatternCache.shared.matches(pattern, text) {
                fail(text, "Member must satisfy regular expression pattern: \(pattern)")
            }
        case .integer(let number):
            if let min = shape.min, Double(number) < min { fail(String(number), "Member must have value greater than or equal to \(Int64(min))") }
            if let max = shape.max, Double(number) > max { fail(String(number), "Member must have value less than or equal to \(Int64(max))") }
        case .double(let number):
            if let min = shape.min, number < min { fail(String(number), "Member must have value greater than or equal to \(min)") }
            if let max = shape.max, number > max { fail(String(number), "Member must have value less than or equal to \(max)") }
        case .blob(let bytes):
            checkLength(bytes.count, shape: shape) { fail(nil, $0) }
        case .boolean, .timestamp:
            break
        }
    }

    func checkLength(_ length: Int, shape: Shape, fail: (String) -> Void) {
        if let min = shape.min, Double(length) < min { fail("Member must have length greater than or equal to \(Int(min))") }
        if let max = shape.max, Double(length) > max { fail("Member must have length less than or equal to \(Int(max))") }
    }

    /// AWS names members in lower camel case in validation messages: `Tags.1.Key` → `tags.1.key`.
    static func memberPath(_ path: String) -> String {
        path.split(separator: ".").map { segment in
            guard let first = segment.first else { return String(segment) }
            return first.lowercased() + segment.dropFirst()
        }.joined(separator: ".")
    }
}

/// Compiled model patterns (Java regular expressions, matched whole), shared by all requests.
final class PatternCache: Sendable {
    static let shared = PatternCache()

    private struct Compiled: @unchecked Sendable {
        /// The pattern's table, when it is one class of ASCII characters.
        let characterClass: CharacterClassPattern?
        // NSRegularExpression is immutable once made and documented as safe to share across threads.
        let expression: NSRegularExpression?
    }

    private let cache = Mutex<[String: Compiled]>([:])

    func matches(_ pattern: String, _ text: String) -> Bool {
        let compiled =
            cache.withLock { $0[pattern] }
            ?? {
                let made = Compiled(characterClass: CharacterClassPattern(pattern), expression: Self.expression(pattern))
                cache.withLock { $0[pattern] = made }
                return made
            }()
        if let characterClass = compiled.characterClass { return characterClass.matches(text) }
        return Self.matches(compiled.expression, text)
    }

    /// The pattern as a regular expression that must match the whole text (`\z`: not before a final line break, as Java's `matches`).
    static func expression(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: "^(?:\(javaClasses(pattern)))\\z", options: [])
    }

    static func matches(_ expression: NSRegularExpression?, _ text: String) -> Bool {
        guard let expression else { return true }
        // (Patterns that do not compile are not enforced; none of the served models has one.)
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.firstMatch(in: text, options: [.anchored], range: range) != nil
    }

    /// The models' patterns are Java regular expressions, where `\w` and `\d` are ASCII-only;
    /// ICU's are Unicode-wide. Spell the ASCII classes out. In a bracket, a `-` right after a
    /// class is a literal in Java; spelled out, it would start a range (`_-a`), so it is escaped.
    static func javaClasses(_ pattern: String) -> String {
        var out = ""
        var inBracket = false
        var escaped = false
        var afterClass = false
        for character in pattern {
            if escaped {
                escaped = false
                switch character {
                case "w": out += inBracket ? "A-Za-z0-9_" : "[A-Za-z0-9_]"
                case "d": out += inBracket ? "0-9" : "[0-9]"
                case "W" where !inBracket: out += "[^A-Za-z0-9_]"
                case "D" where !inBracket: out += "[^0-9]"
                default: out += "\\" + String(character)
                }
                afterClass = inBracket && (character == "w" || character == "d")
                continue
            }
            defer { if character != "\\" { afterClass = false } }
            switch character {
            case "\\": escaped = true
            case "[": inBracket = true; out.append(character)
            case "]": inBracket = false; out.append(character)
            case "-" where afterClass: out += "\\-"
            default: out.append(character)
            }
        }
        return out
    }
}
