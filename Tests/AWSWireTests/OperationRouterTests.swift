import AWSWire
import Testing

struct OperationRouterTests {
    let router = Fixtures.router

    // MARK: Query protocol

    @Test func queryActionInFormBody() {
        let route = router.route(Fixtures.form("Action=GetCallerIdentity&Version=2011-06-15"), signingName: "sts")
        #expect(route.failure == nil)
        #expect(route.service === ServiceModel.sts)
        #expect(route.operation?.name == "GetCallerIdentity")
        #expect(route.wireProtocol == .query)
        #expect(route.form.map(\.name) == ["Action", "Version"])
        #expect(route.form.map(\.value) == ["GetCallerIdentity", "2011-06-15"])
    }

    @Test func queryActionInQueryString() {
        let request = WireRequest(method: "GET", path: "/", query: "Action=GetCallerIdentity&Version=2011-06-15", headers: [], body: [])
        let route = router.route(request, signingName: "sts")
        #expect(route.failure == nil)
        #expect(route.service === ServiceModel.sts)
        #expect(route.operation?.name == "GetCallerIdentity")
    }

    @Test func queryStringAndFormBodyAreBothRead() {
        let request = Fixtures.form("Version=2011-06-15&RoleSessionName=s1", query: "Action=AssumeRole")
        let route = router.route(request, signingName: "sts")
        #expect(route.operation?.name == "AssumeRole")
        #expect(route.form.map(\.name) == ["Action", "Version", "RoleSessionName"])
    }

    @Test func headerNamesAndTheFormMediaTypeMatchInAnyCase() {
        let request = WireRequest(
            method: "POST", path: "/", query: "",
            headers: [("CONTENT-TYPE", "Application/X-WWW-Form-URLEncoded; charset=utf-8"), ("X-Amz-Date", "20261123T000000Z")],
            body: Array("Action=GetCallerIdentity&Version=2011-06-15".utf8))
        #expect(request.header("content-type") == "Application/X-WWW-Form-URLEncoded; charset=utf-8")
        #expect(request.header("x-amz-DATE") == "20261123T000000Z")
        #expect(request.header("x-amz-dat") == nil)
        #expect(request.hasFormBody)
        #expect(router.route(request, signingName: "sts").operation?.name == "GetCallerIdentity")
        let short = WireRequest(method: "POST", path: "/", query: "", headers: [("content-type", "application/x-www")], body: [])
        #expect(!short.hasFormBody)
        let marked = WireRequest(method: "POST", path: "/", query: "", headers: [("content-type", "application/x-www-form-urlencoded\u{301}")], body: [])
        #expect(!marked.hasFormBody)
    }

    @Test func bodyWithoutFormContentTypeIsNotRead() {
        let request = WireRequest(
            method: "POST",
            path: "/",
            query: "",
            headers: [("Content-Type", "text/plain")],
            body: Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)
        )
        let route = router.route(request, signingName: "sts")
        #expect(route.operation == nil)
        #expect(route.failure?.code == "MissingAction")
    }

    @Test func unknownActionIsInvalidAction() {
        let route = router.route(Fixtures.form("Action=Nope&Version=2011-06-15"), signingName: "sts")
        #expect(route.operation == nil)
        #expect(route.service === ServiceModel.sts)
        #expect(route.wireProtocol == .query)
        #expect(route.failure == AWSError(code: "InvalidAction", message: "Could not find operation Nope for version 2011-06-15", status: 400))
    }

    @Test func missingActionIsMissingAction() {
        let route = router.route(Fixtures.form("Version=2011-06-15"), signingName: "sts")
        #expect(route.operation == nil)
        #expect(route.wireProtocol == .query)
        #expect(route.failure == AWSError(code: "MissingAction", message: "Missing Action", status: 400))
    }

    @Test func malformedFormIsMalformedQueryString() {
        let route = router.route(Fixtures.form("Action=GetCallerIdentity&X=%FF%FE"), signingName: "sts")
        #expect(route.operation == nil)
        #expect(route.failure?.code == "MalformedQueryString")
        #expect(route.failure?.status == 400)
    }

    @Test func unsignedQueryRequestFindsServiceByAction() {
        let route = router.route(Fixtures.form("Action=GetCallerIdentity&Version=2011-06-15"), signingName: nil)
        #expect(route.failure == nil)
        #expect(route.service === ServiceModel.sts)
        #expect(route.operation?.name == "GetCallerIdentity")
    }

    @Test func noAuthOperationIsMarkedUnsigned() {
        let route = router.route(Fixtures.form("Action=AssumeRoleWithWebIdentity&Version=2011-06-15"), signingName: nil)
        #expect(route.operation?.name == "AssumeRoleWithWebIdentity")
        #expect(route.operation?.unsigned == true)
        #expect(router.route(Fixtures.form("Action=AssumeRole"), signingName: nil).operation?.unsigned == false)
    }

    @Test func unservedSigningServiceIsInvalidAction() {
        let route = router.route(Fixtures.form("Action=ListBuckets"), signingName: "s3")
        #expect(route.service == nil)
        #expect(route.operation == nil)
        #expect(route.wireProtocol == .query)
        #expect(route.failure?.code == "InvalidAction")
        #expect(route.failure?.message.contains("'s3'") == true)
    }

    // MARK: JSON protocol

    @Test func jsonTargetRoutesToCloudTrail() {
        let route = router.route(Fixtures.json(target: Fixtures.lookupEventsTarget, "{}"), signingName: "cloudtrail")
        #expect(route.failure == nil)
        #expect(route.service === ServiceModel.cloudTrail)
        #expect(route.operation?.name == "LookupEvents")
        #expect(route.wireProtocol == .json)
    }

    @Test func targetHeaderNameIsCaseInsensitive() {
        let request = WireRequest(method: "POST", path: "/", query: "", headers: [("x-amz-target", Fixtures.lookupEventsTarget)], body: [])
        #expect(router.route(request, signingName: "cloudtrail").operation?.name == "LookupEvents")
    }

    @Test func unknownTargetIsUnknownOperation() {
        let target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Nope"
        let route = router.route(Fixtures.json(target: target, "{}"), signingName: "cloudtrail")
        #expect(route.operation == nil)
        #expect(route.service === ServiceModel.cloudTrail)
        #expect(route.wireProtocol == .json)
        #expect(route.failure == AWSError(code: "UnknownOperationException", message: "Operation \(target) is not known.", status: 400))
    }

    @Test func unknownTargetPrefixIsUnknownOperation() {
        let route = router.route(Fixtures.json(target: "com.example.Nothing.LookupEvents", "{}"), signingName: "cloudtrail")
        #expect(route.operation == nil)
        #expect(route.service == nil)
        #expect(route.wireProtocol == .json)
        #expect(route.failure?.code == "UnknownOperationException")
    }

    @Test func jsonServiceWithoutTargetIsUnknownOperation() {
        let route = router.route(Fixtures.form("Action=LookupEvents"), signingName: "cloudtrail")
        #expect(route.operation == nil)
        #expect(route.service === ServiceModel.cloudTrail)
        #expect(route.wireProtocol == .json)
        #expect(route.failure == AWSError(code: "UnknownOperationException", message: "Missing X-Amz-Target header."))
    }

    // MARK: REST-JSON protocol

    @Test func restPathRoutesSignedAndUnsigned() {
        let router = OperationRouter(services: [.sts, Fixtures.ssoPortal])
        let request = WireRequest(
            method: "GET",
            path: "/federation/credentials",
            query: "role_name=Admin&account_id=123456789012",
            headers: [("x-amz-sso_bearer_token", "token")],
            body: []
        )
        for signingName in ["awsssoportal", nil] {
            let route = router.route(request, signingName: signingName)
            #expect(route.failure == nil)
            #expect(route.service === Fixtures.ssoPortal)
            #expect(route.operation?.name == "GetRoleCredentials")
            #expect(route.wireProtocol == .restJSON)
        }
    }

    @Test func restPathWithWrongMethodIsNotFound() {
        let router = OperationRouter(services: [Fixtures.ssoPortal])
        let request = WireRequest(method: "DELETE", path: "/federation/credentials", query: "", headers: [], body: [])
        let route = router.route(request, signingName: "awsssoportal")
        #expect(route.operation == nil)
        #expect(route.wireProtocol == .restJSON)
        #expect(route.failure?.code == "UnknownOperationException")
        #expect(route.failure?.status == 404)
    }
}
