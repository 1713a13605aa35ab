import AWSWire
import Directory

/// Decides whether a caller may perform an action, before the operation runs.
///
/// Until the policy engine lands, the rule is AWS's default with no policies evaluated:
/// the root user may do everything, every other principal is implicitly denied, except
/// `sts:GetCallerIdentity`, which AWS never refuses.
struct Authorizer: Sendable {
    let directory: Directory

    /// Throws `AccessDenied` (query) or `AccessDeniedException` (JSON) worded as AWS words it.
    func authorize(_ caller: Caller, service: ServiceModel, operation: ServiceOperation, input: AWSValue) throws(AWSError) {
        if caller.principal.kind == .root { return }
        let action = "\(service.signingName == "sso" ? "sso" : service.endpointPrefix):\(operation.name)"
        if action == "sts:GetCallerIdentity" { return }
        let resource = resourceArn(caller: caller, service: service, input: input)
        throw AWSError(
            code: service.wireProtocol == .query ? "AccessDenied" : "AccessDeniedException",
            message:
                "User: \(caller.principal.arn) is not authorized to perform: \(action) on resource: \(resource) because no identity-based policy allows the \(action) action",
            status: service.wireProtocol == .query ? 403 : 400)
    }

    /// The resource a call acts on, as AWS names it in a refusal.
    func resourceArn(caller: Caller, service: ServiceModel, input: AWSValue) -> String {
        let account = caller.principal.accountId
        guard service.endpointPrefix == "iam" else { return "*" }
        let iam = directory.iam(account)
        if let arn = input["PolicyArn"]?.string { return arn }
        if let name = input["UserName"]?.string { return iam.user(name)?.arn ?? "arn:aws:iam::\(account):user/\(name)" }
        if let name = input["GroupName"]?.string { return iam.groups[name.lowercased()]?.arn ?? "arn:aws:iam::\(account):group/\(name)" }
        if let name = input["RoleName"]?.string { return iam.roles[name.lowercased()]?.arn ?? "arn:aws:iam::\(account):role/\(name)" }
        return caller.principal.kind == .user ? caller.principal.arn : "*"
    }
}
