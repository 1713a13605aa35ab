import AWSWire

/// An account's effective management policy (tag, backup, AI services opt-out): the policies of one type that the
/// account inherits from the root and each OU above it, and those attached to it, merged level by level as AWS's
/// inheritance operators say (Organizations User Guide, "Inheritance operators" and "Inheritance examples"):
///
/// - `@@assign` sets a value (a whole array included), `@@append` adds values to an array, `@@remove` takes values
///   out of one (an array left empty is dropped);
/// - `@@operators_allowed_for_child_policies` (`@@all`, `@@none` or a list) limits the operators the policies below
///   may use on that setting and everything under it; an operator a parent does not allow is not applied;
/// - setting names match whatever their case, and keep the spelling they were first given;
/// - the result has no operators left: `{"@@assign": v}` becomes `v`.
public struct EffectivePolicy {
    /// Values by path (its names lower-cased, joined by `/`).
    private var values: [String: JSONNode] = [:]
    /// Every path a value was given at, spelled as first given, in that order.
    private var paths: [[String]] = []
    /// How each path's names are spelled, by lower-cased path.
    private var spelled: [String: String] = [:]
    /// The operators each path still allows (from the levels above), by lower-cased path.
    private var allowed: [String: Set<String>] = [:]

    static let valueOperators: Set<String> = ["@@assign", "@@append", "@@remove"]
    static let childControl = "@@operators_allowed_for_child_policies"

    /// The effective policy of `levels` (each a level's policy documents, root first), or `nil` when none has a setting.
    public static func merge(_ levels: [[JSONNode]]) -> JSONNode? {
        var merged = EffectivePolicy()
        for level in levels {
            var limits: [String: Set<String>] = [:]
            for document in level { merged.apply(document, path: [], limits: &limits) }
            // A level's limits bind the levels below it; the same level's policies limit each other's children alike.
            for (path, operators) in limits { merged.allowed[path] = merged.allowed[path].map { $0.intersection(operators) } ?? operators }
        }
        return merged.result()
    }

    static func key(_ path: [String]) -> String { path.map { $0.lowercased() }.joined(separator: "/") }

    /// Whether every path from the top down to `path` allows `operation`.
    func allows(_ operation: String, at path: [String]) -> Bool {
        (0...path.count).allSatisfy { depth in allowed[Self.key(Array(path.prefix(depth)))]?.contains(operation) ?? true }
    }

    mutating func apply(_ node: JSONNode, path: [String], limits: inout [String: Set<String>]) {
        guard case .object(let members) = node else {
            if !path.isEmpty { set("@@assign", node, at: path) }
            return
        }
        for (name, value) in members {
            if name == Self.childControl {
                let given = Set(Self.strings(value))
                let operators = given.contains("@@all") ? Self.valueOperators : given.intersection(Self.valueOperators)
                let key = Self.key(path)
                limits[key] = limits[key].map { $0.intersection(operators) } ?? operators
            } else if Self.valueOperators.contains(name) {
                set(name, value, at: path)
            } else if !name.hasPrefix("@@") {
                apply(value, path: path + [name], limits: &limits)
            }
        }
    }

    /// Applies one value-setting operator at `path`, when the levels above allow it there.
    mutating func set(_ operation: String, _ value: JSONNode, at path: [String]) {
        guard !path.isEmpty, allows(operation, at: path) else { return }
        let key = Self.key(path)
        if values[key] == nil, operation != "@@remove" {
            paths.append(path.enumerated().map { index, name in spelled[Self.key(Array(path.prefix(index + 1)))] ?? name })
            for depth in 1...path.count { spelled[Self.key(Array(path.prefix(depth)))] = spelled[Self.key(Array(path.prefix(depth)))] ?? path[depth - 1] }
        }
        switch operation {
        case "@@assign":
            values[key] = value
        case "@@append":
            var items: [JSONNode] = if case .array(let existing)? = values[key] { existing } else { [] }
            // Values compared by their JSON text, in a set: a policy of thousands of values merges in linear time.
            var present = Set(items.map(Self.text))
            for item in Self.items(value) where present.insert(Self.text(item)).inserted { items.append(item) }
            values[key] = .array(items)
        default:
            guard case .array(let existing)? = values[key] else { return }
            let removed = Set(Self.items(value).map(Self.text))
            let kept = existing.filter { !removed.contains(Self.text($0)) }
            values[key] = kept.isEmpty ? nil : .array(kept)
        }
    }

    static func items(_ value: JSONNode) -> [JSONNode] {
        if case .array(let items) = value { items } else { [value] }
    }

    static func strings(_ value: JSONNode) -> [String] {
        items(value).compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    /// The settings left, nested as they were given.
    func result() -> JSONNode? {
        final class Node {
            var members: [(name: String, node: Node)] = []
            /// Each member's place in ``members``, by its lower-cased name.
            var index: [String: Int] = [:]
            var value: JSONNode?
            func child(_ name: String) -> Node {
                if let found = index[name.lowercased()] { return members[found].node }
                let node = Node()
                index[name.lowercased()] = members.count
                members.append((name, node))
                return node
            }
            var json: JSONNode? {
                if let value { return value }
                let kept = members.compactMap { member in member.node.json.map { (key: member.name, value: $0) } }
                return kept.isEmpty ? nil : .object(kept)
            }
        }
        let top = Node()
        for path in paths {
            guard let value = values[Self.key(path)] else { continue }
            path.reduce(top) { $0.child($1) }.value = value
        }
        return top.json
    }

    /// `node` as compact JSON text.
    public static func text(_ node: JSONNode) -> String {
        var out: [UInt8] = []
        write(node, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ node: JSONNode, into out: inout [UInt8]) {
        switch node {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let text): JSONWriter.appendString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
