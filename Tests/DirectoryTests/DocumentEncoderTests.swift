@testable import Directory
import Foundation
import Testing

/// The one-pass document encoder against Foundation's `JSONEncoder` and `JSONDecoder`: what it writes reads
/// back as the same value, and parses to the same JSON as `JSONEncoder` writes.
struct DocumentEncoderTests {
    /// A stored user with every kind of member: tags, lists, a dictionary, optionals, dates with fractions,
    /// and text that needs escaping.
    @Test func aUserReadsBackAsWritten() throws {
        let user = IAMUser(
            name: "ana\"lyst", id: "AIDAEXAMPLE", path: "/team/\\ops/", arn: "arn:aws:iam::111122223333:user/team/ana\"lyst",
            created: Date(timeIntervalSince1970: 1_763_874_000.123_456), tags: [IAMTag(key: "K", value: "línea\nnueva\t€")],
            permissionsBoundary: nil, groups: ["devs", "ops"], attachedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            inlinePolicies: ["inline": #"{"Version":"2012-10-17","Statement":[]}"#, "control\u{01}": ""],
            passwordLastUsed: Date(timeIntervalSince1970: 1_700_000_000))
        try expectSameAsFoundation(user)
        let text = try DocumentEncoder.encode(user)
        #expect(try DocumentCoding.decode(IAMUser.self, text) == user)
        #expect(!text.contains("permissionsBoundary"), "an absent optional is left out, as JSONEncoder leaves it")
    }

    /// Shapes documents do not use today but a `Codable` type may: enums with payloads (nested containers),
    /// nested arrays, integer-keyed dictionaries, raw-value enums, every integer width, `Data`, empty values.
    @Test func everyContainerShapeMatchesFoundation() throws {
        try expectSameAsFoundation(Sample.full)
        try expectSameAsFoundation([Sample.full, Sample.empty])
        try expectSameAsFoundation(Sample.empty)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(DocumentEncoder.encode(Sample.full).utf8)) == Sample.full)
    }

    /// What JSON cannot carry as `JSONDecoder` reads it back is refused, not written wrongly.
    @Test func refusesWhatItCannotWrite() {
        #expect(throws: EncodingError.self) { try DocumentEncoder.encode(["x": Double.nan]) }
        #expect(throws: EncodingError.self) { try DocumentEncoder.encode([URL(string: "https://example.com")!]) }
        #expect(throws: EncodingError.self) { try DocumentEncoder.encode(SuperEncoding()) }
        #expect(throws: EncodingError.self) { try DocumentEncoder.encode(LateWrite()) }
        for misuse in Misuse.allCases {
            #expect(throws: EncodingError.self, "\(misuse)") { try DocumentEncoder.encode(misuse) }
        }
    }

    private func expectSameAsFoundation<T: Encodable>(_ value: T) throws {
        let foundation = JSONEncoder()
        foundation.dateEncodingStrategy = .secondsSince1970
        let expected = try JSONSerialization.jsonObject(with: foundation.encode(value)) as? NSObject
        let text = try DocumentEncoder.encode(value)
        let written = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSObject
        #expect(written != nil && written == expected, "\(text)")
    }
}

private struct Sample: Codable, Equatable {
    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case polygon([[Int]], name: String?)
        case none
    }

    enum Level: String, Codable { case low, high }

    struct Integers: Codable, Equatable {
        var int8: Int8, int16: Int16, int32: Int32, int64: Int64, uint: UInt, uint8: UInt8, uint64: UInt64
    }

    var shapes: [Shape]
    var byNumber: [Int: String]
    var level: Level?
    var integers: Integers
    var ratio: Float
    var blob: Data
    var nested: [[String: [Bool]]]
    var optionals: [String?]

    static let full = Sample(
        shapes: [.circle(radius: 1.5), .polygon([[0, 0], [3, 4], []], name: "tri"), .polygon([], name: nil), .none],
        byNumber: [1: "one", -20: "minus twenty"], level: .high,
        integers: Integers(int8: -8, int16: 16, int32: -32, int64: .min, uint: 7, uint8: 255, uint64: .max),
        ratio: 0.1, blob: Data([0, 1, 2, 250]), nested: [["a": [true, false]], [:]], optionals: ["x", nil])
    static let empty = Sample(
        shapes: [], byNumber: [:], level: nil, integers: Integers(int8: 0, int16: 0, int32: 0, int64: 0, uint: 0, uint8: 0, uint64: 0),
        ratio: 0, blob: Data(), nested: [], optionals: [])
}

/// A type that encodes through a super encoder, which one pass cannot follow.
private struct SuperEncoding: Encodable {
    enum Keys: CodingKey { case base }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try "base".encode(to: container.superEncoder())
    }
}

/// A type that writes to a nested container after its parent has moved on.
private struct LateWrite: Encodable {
    enum Keys: CodingKey { case first, second }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var first = container.nestedUnkeyedContainer(forKey: .first)
        try container.encode(1, forKey: .second)
        try first.encode(2)
    }
}

/// Ways to give one value two outputs, or hand a value to itself: each would write broken JSON (`12`, `"a"[1]`,
/// repeated keys) or never end.
private enum Misuse: CaseIterable, Encodable {
    case twoSingleValues, singleValueThenContainer, containerThenSingleValue, twoKeyedContainers, encodesItself

    enum Keys: CodingKey { case a }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .twoSingleValues:
            var first = encoder.singleValueContainer()
            try first.encode(1)
            var second = encoder.singleValueContainer()
            try second.encode(2)
        case .singleValueThenContainer:
            var single = encoder.singleValueContainer()
            try single.encode("a")
            var list = encoder.unkeyedContainer()
            try list.encode(1)
        case .containerThenSingleValue:
            var list = encoder.unkeyedContainer()
            try list.encode(1)
            var single = encoder.singleValueContainer()
            try single.encode("a")
        case .twoKeyedContainers:
            var first = encoder.container(keyedBy: Keys.self)
            try first.encode(1, forKey: .a)
            var second = encoder.container(keyedBy: Keys.self)
            try second.encode(2, forKey: .a)
        case .encodesItself:
            var single = encoder.singleValueContainer()
            try single.encode(self)
        }
    }
}
