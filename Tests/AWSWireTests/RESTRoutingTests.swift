import AWSWire
import Testing

/// rest-json: operations found by method and path, inputs read from the path, query string, headers and body.
struct RESTRoutingTests {
    let router = OperationRouter(services: [.sts, .ssoPortal, .ssoOIDC])

    func request(_ method: String, _ path: String, query: String = "", headers: [(name: String, value: String)] = [], body: String = "")
        -> WireRequest
    {
        WireRequest(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }

    @Test func unsignedRequestFindsThePortalOperationByPath() throws {
        let wire = request(
            "GET", "/federation/credentials", query: "role_name=Admin%20Role&account_id=123456789012",
            headers: [("x-amz-sso_bearer_token", "token-1")])
        let route = router.route(wire, signingName: nil)
        #expect(route.operation?.name == "GetRoleCredentials")
        #expect(route.wireProtocol == .restJSON)
        #expect(route.operation?.unsigned == true)
        let input = try AWSCodec.input(of: wire, route: route)
        #expect(input["roleName"] == "Admin Role")
        #expect(input["accountId"] == "123456789012")
        #expect(input["accessToken"] == "token-1")
    }

    @Test func missingRequiredHeaderIsAValidationError() throws {
        let wire = request("GET", "/federation/credentials", query: "role_name=Admin&account_id=123456789012")
        let route = router.route(wire, signingName: nil)
        let error = #expect(throws: AWSError.self) { try AWSCodec.input(of: wire, route: route) }
        #expect(error?.code == "ValidationException")
        #expect(error?.message.contains("Value null at 'accessToken'") == true)
    }

    @Test func bodyMembersAreReadFromJSON() throws {
        let wire = request("POST", "/client/register", body: #"{"clientName":"cli","clientType":"public"}"#)
        let route = router.route(wire, signingName: nil)
        #expect(route.operation?.name == "RegisterClient")
        let input = try AWSCodec.input(of: wire, route: route)
        #expect(input["clientName"] == "cli")
        #expect(input["clientType"] == "public")
    }

    @Test func fixedQueryParametersSelectTheOperation() {
        #expect(router.route(request("POST", "/token"), signingName: nil).operation?.name == "CreateToken")
        #expect(router.route(request("POST", "/token", query: "aws_iam=t"), signingName: nil).operation?.name == "CreateTokenWithIAM")
    }

    @Test func wrongMethodOrPathIsUnknownWithinTheSignedService() {
        let route = router.route(request("DELETE", "/federation/credentials"), signingName: "awsssoportal")
        #expect(route.operation == nil)
        #expect(route.failure?.code == "UnknownOperationException")
        #expect(route.failure?.status == 404)
        let response = AWSCodec.error(route.failure!, route: route, requestId: "r-1")
        #expect(response.headers.contains { $0.name == "x-amzn-ErrorType" && $0.value == "UnknownOperationException" })
    }
}
