import AWSWire
import Foundation
import Testing

struct JSONObjectWriterTests {
    @Test func nestedObjectsAndListsShareOneBuffer() throws {
        var writer = JSONObjectWriter(capacity: 8)
        writer.member("a") { a in
            a.member("b", "c\"q")
            a.member("d") { d in d.member("e", true) }
            a.member("empty") { _ in }
        }
        writer.member("l", objects: ["1", "2"]) { item, object in object.member("x", item) }
        writer.member("none", objects: [String]()) { _, _ in }
        writer.member("z", "w")
        let text = writer.finish()
        #expect(text == #"{"a":{"b":"c\"q","d":{"e":true},"empty":{}},"l":[{"x":"1"},{"x":"2"}],"none":[],"z":"w"}"#)
        // What a JSON reader makes of it.
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((parsed["l"] as? [[String: String]])?.map { $0["x"] } == ["1", "2"])
    }

    @Test func anEmptyObject() {
        var writer = JSONObjectWriter()
        #expect(writer.finish() == "{}")
    }
}
