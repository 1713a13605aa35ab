import AWSWire
import Foundation
import Testing

/// Smithy documents (identity store's `AttributeValue`): any JSON value, kept as sent.
struct DocumentShapeTests {
    static let router = OperationRouter(services: [.identityStore])

    static func updateUserInput(_ body: String) throws(AWSError) -> AWSValue {
        let request = Fixtures.json(target: "AWSIdentityStore.UpdateUser", body)
        return try AWSCodec.input(of: request, route: router.route(request, signingName: "identitystore"), validate: true)
    }

    @Test func stringObjectAndListValuesAreKept() throws {
        // botocore JSONSerializer for UpdateUser with three AttributeOperations.
        let input = try Self.updateUserInput(
            #"{"IdentityStoreId": "d-1234567890", "UserId": "1234567890-11111111-2222-3333-4444-555555555555", "Operations": ["#
                + #"{"AttributePath": "displayName", "AttributeValue": "Dana D."}, "#
                + #"{"AttributePath": "name", "AttributeValue": {"GivenName": "Dana", "FamilyName": "D"}}, "#
                + #"{"AttributePath": "emails", "AttributeValue": [{"Value": "d@example.com", "Primary": true}]}]}"#)
        let operations = try #require(input["Operations"]?.list)
        #expect(operations[0]["AttributeValue"] == "Dana D.")
        #expect(operations[1]["AttributeValue"] == ["GivenName": "Dana", "FamilyName": "D"])
        #expect(operations[2]["AttributeValue"] == [["Value": "d@example.com", "Primary": .boolean(true)]])
    }

    @Test func numbersStayNumbers() throws {
        #expect(AWSValue(json: #"{"a": 1, "b": 1.5, "c": false, "d": null}"#) == ["a": .integer(1), "b": .double(1.5), "c": .boolean(false)])
        #expect(AWSValue(json: "not json") == nil)
    }

    @Test func writtenBackAsTheSameJSON() {
        let value: AWSValue = ["Emails": [["Value": "d@example.com", "Primary": .boolean(true)]], "DisplayName": "Dana"]
        #expect(AWSValue(json: JSONWriter.write(value)) == value)
    }

    /// Strings are escaped as JSON requires (quotes, backslashes, control characters), and the rest,
    /// multi-byte text included, is copied as it is.
    @Test func stringsAreEscaped() {
        let text = "say \"hi\"\\ line\nfeed\r\ttab \u{1} é e\u{301} 🙂"
        #expect(JSONWriter.write(.string(text)) == #""say \"hi\"\\ line\nfeed\r\ttab \u0001 é e\#u{301} 🙂""#)
        #expect(AWSValue(json: JSONWriter.write(["k": .string(text)])) == ["k": .string(text)])
    }
}
