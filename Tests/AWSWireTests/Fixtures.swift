@testable import AWSWire

/// Requests as botocore sends them, and the models the tests route with.
enum Fixtures {
    /// The embedded models Gatehouse serves today.
    static let router = OperationRouter(services: [.sts, .cloudTrail])

    static let formContentType = ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    static let lookupEventsTarget = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"

    /// A query-protocol POST with a form body, as botocore sends it.
    static func form(_ body: String, query: String = "") -> WireRequest {
        WireRequest(method: "POST", path: "/", query: query, headers: [formContentType], body: Array(body.utf8))
    }

    /// A json-1.1 POST calling `target`.
    static func json(target: String, _ body: String) -> WireRequest {
        WireRequest(
            method: "POST",
            path: "/",
            query: "",
            headers: [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.1")],
            body: Array(body.utf8)
        )
    }

    /// Routes a signed request with the given credential-scope service.
    static func route(_ request: WireRequest, signingName: String? = "sts", router: OperationRouter = router) -> OperationRouter.Route {
        router.route(request, signingName: signingName)
    }

    /// Routes and decodes (validating) an sts form body.
    static func stsInput(_ body: String, validate: Bool = true) throws(AWSError) -> AWSValue {
        let request = form(body)
        return try AWSCodec.input(of: request, route: route(request), validate: validate)
    }

    /// Routes and decodes (validating) a CloudTrail json body for `operation`.
    static func cloudTrailInput(_ body: String, operation: String = "LookupEvents", validate: Bool = true) throws(AWSError) -> AWSValue {
        let request = json(target: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.\(operation)", body)
        return try AWSCodec.input(of: request, route: route(request, signingName: "cloudtrail"), validate: validate)
    }

    /// botocore 1.43.11's IAM model (query protocol), cut down to three operations whose outputs
    /// hold a list of structures, a map and a list of strings (STS outputs have none of these).
    static let iam = ServiceModel.generated(
        ##"{"metadata":{"apiVersion":"2010-05-08","endpointPrefix":"iam","protocol":"query","xmlNamespace":"https://iam.amazonaws.com/doc/2010-05-08/"},"operations":{"GetAccountSummary":{"http":{"method":"POST","requestUri":"/"},"name":"GetAccountSummary","output":{"resultWrapper":"GetAccountSummaryResult","shape":"GetAccountSummaryResponse"}},"ListAccountAliases":{"http":{"method":"POST","requestUri":"/"},"input":{"shape":"ListAccountAliasesRequest"},"name":"ListAccountAliases","output":{"resultWrapper":"ListAccountAliasesResult","shape":"ListAccountAliasesResponse"}},"ListUsers":{"http":{"method":"POST","requestUri":"/"},"input":{"shape":"ListUsersRequest"},"name":"ListUsers","output":{"resultWrapper":"ListUsersResult","shape":"ListUsersResponse"}}},"shapes":{"AttachedPermissionsBoundary":{"members":{"PermissionsBoundaryArn":{"shape":"arnType"},"PermissionsBoundaryType":{"shape":"PermissionsBoundaryAttachmentType"}},"type":"structure"},"GetAccountSummaryResponse":{"members":{"SummaryMap":{"shape":"summaryMapType"}},"type":"structure"},"ListAccountAliasesRequest":{"members":{"Marker":{"shape":"markerType"},"MaxItems":{"shape":"maxItemsType"}},"type":"structure"},"ListAccountAliasesResponse":{"members":{"AccountAliases":{"shape":"accountAliasListType"},"IsTruncated":{"shape":"booleanType"},"Marker":{"shape":"responseMarkerType"}},"required":["AccountAliases"],"type":"structure"},"ListUsersRequest":{"members":{"Marker":{"shape":"markerType"},"MaxItems":{"shape":"maxItemsType"},"PathPrefix":{"shape":"pathPrefixType"}},"type":"structure"},"ListUsersResponse":{"members":{"IsTruncated":{"shape":"booleanType"},"Marker":{"shape":"responseMarkerType"},"Users":{"shape":"userListType"}},"required":["Users"],"type":"structure"},"PermissionsBoundaryAttachmentType":{"enum":["PermissionsBoundaryPolicy"],"type":"string"},"Tag":{"members":{"Key":{"shape":"tagKeyType"},"Value":{"shape":"tagValueType"}},"required":["Key","Value"],"type":"structure"},"User":{"members":{"Arn":{"shape":"arnType"},"CreateDate":{"shape":"dateType"},"PasswordLastUsed":{"shape":"dateType"},"Path":{"shape":"pathType"},"PermissionsBoundary":{"shape":"AttachedPermissionsBoundary"},"Tags":{"shape":"tagListType"},"UserId":{"shape":"idType"},"UserName":{"shape":"userNameType"}},"required":["Path","UserName","UserId","Arn","CreateDate"],"type":"structure"},"accountAliasListType":{"member":{"shape":"accountAliasType"},"type":"list"},"accountAliasType":{"max":63,"min":3,"pattern":"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$","type":"string"},"arnType":{"max":2048,"min":20,"type":"string"},"booleanType":{"type":"boolean"},"dateType":{"type":"timestamp"},"idType":{"max":128,"min":16,"pattern":"[\\w]+","type":"string"},"markerType":{"max":320,"min":1,"pattern":"[\\u0020-\\u00FF]+","type":"string"},"maxItemsType":{"max":1000,"min":1,"type":"integer"},"pathPrefixType":{"max":512,"min":1,"pattern":"\\u002F[\\u0021-\\u007F]*","type":"string"},"pathType":{"max":512,"min":1,"pattern":"(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)","type":"string"},"responseMarkerType":{"type":"string"},"summaryKeyType":{"enum":["Users","UsersQuota","Groups","GroupsQuota","ServerCertificates","ServerCertificatesQuota","UserPolicySizeQuota","GroupPolicySizeQuota","GroupsPerUserQuota","SigningCertificatesPerUserQuota","AccessKeysPerUserQuota","MFADevices","MFADevicesInUse","AccountMFAEnabled","AccountAccessKeysPresent","AccountPasswordPresent","AccountSigningCertificatesPresent","AttachedPoliciesPerGroupQuota","AttachedPoliciesPerRoleQuota","AttachedPoliciesPerUserQuota","Policies","PoliciesQuota","PolicySizeQuota","PolicyVersionsInUse","PolicyVersionsInUseQuota","VersionsPerPolicyQuota","GlobalEndpointTokenVersion","AssumeRolePolicySizeQuota","InstanceProfiles","InstanceProfilesQuota","Providers","RolePolicySizeQuota","Roles","RolesQuota"],"type":"string"},"summaryMapType":{"key":{"shape":"summaryKeyType"},"type":"map","value":{"shape":"summaryValueType"}},"summaryValueType":{"type":"integer"},"tagKeyType":{"max":128,"min":1,"pattern":"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+","type":"string"},"tagListType":{"max":50,"member":{"shape":"Tag"},"type":"list"},"tagValueType":{"max":256,"min":0,"pattern":"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*","type":"string"},"userListType":{"member":{"shape":"User"},"type":"list"},"userNameType":{"max":64,"min":1,"pattern":"[\\w+=,.@-]+","type":"string"}}}"##
    )

    /// botocore 1.43.11's SSO portal model (rest-json), cut down to two operations.
    static let ssoPortal = ServiceModel.generated(
        ##"{"metadata":{"apiVersion":"2019-06-10","endpointPrefix":"portal.sso","jsonVersion":"1.1","protocol":"rest-json","signingName":"awsssoportal"},"operations":{"GetRoleCredentials":{"auth":["smithy.api#noAuth"],"authtype":"none","http":{"method":"GET","requestUri":"/federation/credentials"},"input":{"shape":"GetRoleCredentialsRequest"},"name":"GetRoleCredentials","output":{"shape":"GetRoleCredentialsResponse"}},"ListAccountRoles":{"auth":["smithy.api#noAuth"],"authtype":"none","http":{"method":"GET","requestUri":"/assignment/roles"},"input":{"shape":"ListAccountRolesRequest"},"name":"ListAccountRoles","output":{"shape":"ListAccountRolesResponse"}}},"shapes":{"AccessKeyType":{"type":"string"},"AccessTokenType":{"sensitive":true,"type":"string"},"AccountIdType":{"type":"string"},"ExpirationTimestampType":{"type":"long"},"GetRoleCredentialsRequest":{"members":{"accessToken":{"location":"header","locationName":"x-amz-sso_bearer_token","shape":"AccessTokenType"},"accountId":{"location":"querystring","locationName":"account_id","shape":"AccountIdType"},"roleName":{"location":"querystring","locationName":"role_name","shape":"RoleNameType"}},"required":["roleName","accountId","accessToken"],"type":"structure"},"GetRoleCredentialsResponse":{"members":{"roleCredentials":{"shape":"RoleCredentials"}},"type":"structure"},"ListAccountRolesRequest":{"members":{"accessToken":{"location":"header","locationName":"x-amz-sso_bearer_token","shape":"AccessTokenType"},"accountId":{"location":"querystring","locationName":"account_id","shape":"AccountIdType"},"maxResults":{"location":"querystring","locationName":"max_result","shape":"MaxResultType"},"nextToken":{"location":"querystring","locationName":"next_token","shape":"NextTokenType"}},"required":["accessToken","accountId"],"type":"structure"},"ListAccountRolesResponse":{"members":{"nextToken":{"shape":"NextTokenType"},"roleList":{"shape":"RoleListType"}},"type":"structure"},"MaxResultType":{"box":true,"max":100,"min":1,"type":"integer"},"NextTokenType":{"type":"string"},"RoleCredentials":{"members":{"accessKeyId":{"shape":"AccessKeyType"},"expiration":{"shape":"ExpirationTimestampType"},"secretAccessKey":{"shape":"SecretAccessKeyType"},"sessionToken":{"shape":"SessionTokenType"}},"type":"structure"},"RoleInfo":{"members":{"accountId":{"shape":"AccountIdType"},"roleName":{"shape":"RoleNameType"}},"type":"structure"},"RoleListType":{"member":{"shape":"RoleInfo"},"type":"list"},"RoleNameType":{"type":"string"},"SecretAccessKeyType":{"sensitive":true,"type":"string"},"SessionTokenType":{"sensitive":true,"type":"string"}}}"##
    )
}

extension WireResponse {
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The first value of a header, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
