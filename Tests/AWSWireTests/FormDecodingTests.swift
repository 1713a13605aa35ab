import AWSWire
import Testing

struct FormDecodingTests {
    static func pairs(_ text: String) throws(AWSError) -> [String] {
        try FormDecoding.pairs(Array(text.utf8)).map { "\($0.name)=\($0.value)" }
    }

    @Test func plusIsSpaceAndPercentEscapesDecode() throws {
        #expect(try Self.pairs("a=1&b=x+y&c=%41%2b%2F%3d%26") == ["a=1", "b=x y", "c=A+/=&"])
    }

    @Test func emptyPiecesAndEqualsInValues() throws {
        // A name without `=` has an empty value; empty pairs (`&&`) are skipped; only the first `=` splits.
        #expect(try Self.pairs("d&=e&&f=g=h&") == ["d=", "=e", "f=g=h"])
        #expect(try FormDecoding.pairs([UInt8]()).isEmpty)
    }

    @Test func utf8EscapesAndRawUTF8() throws {
        #expect(try Self.pairs("n=%C3%A9t%c3%a9") == ["n=été"])
        #expect(try Self.pairs("n=été") == ["n=été"])
    }

    @Test(arguments: ["%", "a=%4", "a=%GG", "a=%zz1", "a=1&b=%"])
    func invalidPercentEncodingIsMalformed(text: String) {
        let error = #expect(throws: AWSError.self) { try FormDecoding.pairs(Array(text.utf8)) }
        #expect(error?.code == "MalformedQueryString")
        #expect(error?.status == 400)
        #expect(error?.message == "The query string contains a malformed percent-encoding.")
    }

    @Test(arguments: [Array("a=%FF%FE".utf8), Array("a=%C3".utf8), Array("a=%ED%A0%80".utf8), [UInt8(ascii: "a"), 0x3D, 0xFF]])
    func invalidUTF8IsMalformed(bytes: [UInt8]) {
        let error = #expect(throws: AWSError.self) { try FormDecoding.pairs(bytes) }
        #expect(error?.code == "MalformedQueryString")
        #expect(error?.message == "The query string is not valid UTF-8.")
    }
}
