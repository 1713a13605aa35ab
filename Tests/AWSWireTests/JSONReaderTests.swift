@testable import AWSWire
import Foundation
import Testing

/// The JSON reader of request bodies and stored attributes: what it reads, and what it refuses.
struct JSONReaderTests {
    static func read(_ text: String) throws -> JSONNode {
        try JSONReader.read(Array(text.utf8))
    }

    @Test func readsEveryKindOfValue() throws {
        let node = try Self.read(#" {"a": [1, -0, 1.5e3, 2E-2, true, false, null], "b": {"c": "d\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}, "": []} "#)
        #expect(
            node
                == .object([
                    ("a", .array([.number("1"), .number("-0"), .number("1.5e3"), .number("2E-2"), .bool(true), .bool(false), .null])),
                    ("b", .object([("c", .string("d\"\\/\u{08}\u{0C}\n\r\té😀"))])), ("", .array([])),
                ]))
        #expect(try Self.read("\"plain\"") == .string("plain"))
        #expect(try Self.read("\"caf\u{e9} \u{1F600}\"") == .string("café 😀"))
    }

    @Test func numbersReadExactlyAsIntegersOrDoubles() throws {
        #expect(try Self.read("9223372036854775807").integer == Int64.max)
        #expect(try Self.read("-9223372036854775808").integer == Int64.min)
        #expect(try Self.read("3.0").integer == 3)
        #expect(try Self.read("3e2").integer == 300)
        #expect(try Self.read("3.5").integer == nil)
        #expect(try Self.read("3.5").double == 3.5)
        #expect(try Self.read("1e400").double == nil)
        #expect(try Self.read("\"3\"").integer == nil)
        // Worked out on the digits, not through a Double.
        let exact: [(String, Int64?)] = [
            ("0.99999999999999999", nil), ("9007199254740993.0", 9_007_199_254_740_993), ("1e-400", nil), ("1.5e1", 15), ("-0.0", 0),
            ("9223372036854775807.0", Int64.max), ("9223372036854775808", nil), ("-9223372036854775808.0e0", Int64.min), ("10e-1", 1),
            ("0e99999999999999999999", 0), ("1e99999999999999999999", nil), ("120E-1", 12), ("0.5", nil),
        ]
        for (text, integer) in exact { #expect(try Self.read(text).integer == integer, "\(text)") }
        #expect(JSONInputDecoder.numbersFit(try Self.read(#"{"a": [1, 2.5, -1e300, 9223372036854775807]}"#)))
        #expect(!JSONInputDecoder.numbersFit(try Self.read(#"{"a": [1, {"b": 1e400}]}"#)))
    }

    @Test(arguments: [
        "", " ", "[1,]", #"{"a": 1,}"#, "[1 2]", #"{"a" 1}"#, #"{a: 1}"#, "{'a': 1}", "01", "-", "1.", ".5", "+1", "1e", "1e+",
        "NaN", "Infinity", "tru", "nul", "[1] x", "{} {}", "/* c */ 1", #""open"#, "\"tab\there\"", #""\x""#, #""\u12""#, #""\u12G4""#,
        #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#, "[", "{", #"{"a":"#, "-01",
    ])
    func refusesWhatIsNotJSON(text: String) {
        #expect(throws: JSONReader.Failure.self) { try Self.read(text) }
    }

    @Test func refusesBytesThatAreNotUTF8() {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read([0x22, 0xFF, 0x22]) }
        // Overlong, an encoded surrogate, beyond U+10FFFF, a truncated sequence; a byte order mark or a letter outside a string.
        let refused: [[UInt8]] = [
            [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22],
            [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], [0xC3, 0xA9],
        ]
        for bytes in refused {
            #expect(throws: JSONReader.Failure.self) { try JSONReader.read(bytes) }
        }
    }

    @Test func nestingIsLimited() throws {
        let deepest = String(repeating: "[", count: JSONReader.depthLimit) + String(repeating: "]", count: JSONReader.depthLimit)
        _ = try Self.read(deepest)
        let deeper = "[" + deepest + "]"
        #expect(throws: JSONReader.Failure.self) { try Self.read(deeper) }
        let objects = String(repeating: #"{"a":"#, count: JSONReader.depthLimit + 1) + "1" + String(repeating: "}", count: JSONReader.depthLimit + 1)
        #expect(throws: JSONReader.Failure.self) { try Self.read(objects) }
    }

    @Test func aKeyGivenTwiceKeepsItsLastValue() {
        #expect(AWSValue(json: #"{"a": 1, "a": 2, "b": null}"#) == ["a": .integer(2)])
        #expect(AWSValue(json: #"{"a": 1, "a": null}"#) == .object([:]))
    }

    /// Random values, written by Foundation's `JSONSerialization`, read back as they were made.
    @Test func readsWhatFoundationWrites() throws {
        var random = SplitMix64(seed: 20_261_123)
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &random)
            let data = try JSONSerialization.data(withJSONObject: ["v": value], options: [.fragmentsAllowed])
            let read = try JSONReader.read(Array(data))
            guard case .object(let members) = read, members.count == 1 else {
                Issue.record("not an object: \(read)")
                continue
            }
            #expect(JSONInputDecoder.document(members[0].value) == Self.expected(value), "\(String(decoding: data, as: UTF8.self))")
        }
    }

    static func randomValue(depth: Int, using random: inout SplitMix64) -> Any {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &random) {
        case 0: return Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random)
        case 1: return Double.random(in: -1e6...1e6, using: &random)
        case 2: return Bool.random(using: &random)
        case 3:
            let scalars = (0..<Int.random(in: 0..<12, using: &random)).map { _ in
                ["a", "\"", "\\", "/", "\n", "\u{01}", "é", "😀", "\u{7F}", " "].randomElement(using: &random)!
            }
            return scalars.joined()
        case 4: return (0..<Int.random(in: 0..<4, using: &random)).map { _ in randomValue(depth: depth + 1, using: &random) }
        default:
            var object: [String: Any] = [:]
            for index in 0..<Int.random(in: 0..<4, using: &random) { object["k\(index)é"] = randomValue(depth: depth + 1, using: &random) }
            return object
        }
    }

    static func expected(_ value: Any) -> AWSValue {
        switch value {
        case let integer as Int64: .integer(integer)
        case let double as Double: Int64(exactly: double).map(AWSValue.integer) ?? .double(double)
        case let flag as Bool: .boolean(flag)
        case let text as String: .string(text)
        case let items as [Any]: .list(items.map(expected))
        case let object as [String: Any]: .object(object.mapValues(expected))
        default: .object([:])
        }
    }
}
