import AWSWire
import AccessPolicy
import Directory

/// The resources a request acts on, as AWS's Service Authorization Reference names them: a resource of each type
/// the action requires, and of each other type the request names, as ARNs built from the type's template. An action
/// on no particular resource acts on `*`; nothing is guessed from the operation's name.
///
/// A variable the request gives no value for becomes `*` in a required type's ARN (a policy must then allow the
/// whole type), and leaves an optional type out.
struct RequestResources {
    /// Never empty.
    var arns: [String]
    /// The account that owns the resources when their ARNs name none (Identity Center's, an identity store's users).
    var owner: String?

    static func resolve(
        _ action: ServiceAuthorizationReference.Action?, input: AWSValue, caller: Caller, naming: any ResourceNaming
    ) -> RequestResources {
        guard let action, !action.resources.isEmpty else {
            return RequestResources(arns: [action.flatMap { naming.listing($0.name, input: input, caller: caller) } ?? "*"], owner: nil)
        }
        var arns: [String] = []
        for use in action.resources {
            arns += Self.arns(of: use, input: input, caller: caller, naming: naming)
        }
        return RequestResources(arns: arns.isEmpty ? ["*"] : arns, owner: naming.owner(input: input, caller: caller))
    }

    static func arns(of use: ServiceAuthorizationReference.ResourceUse, input: AWSValue, caller: Caller, naming: any ResourceNaming) -> [String] {
        let template = use.type.arn
        // An ARN the request gives in the member that names a resource of the type (RoleArn a role, PermissionSetArn a
        // permission set, a generic ResourceArn or PolicySourceArn any type, an MFA device's SerialNumber) is the
        // resource; an ARN in any other member (a Description, a PolicyArn holding a role's ARN) never stands in for it.
        if case .object(let members) = input {
            var given: [String] = []
            for (name, value) in members where Self.names(member: name, type: use.type.name) {
                if let text = value.string, text.hasPrefix("arn:"), template.matches(text) { given.append(text) }
            }
            if !given.isEmpty { return given.sorted() }
        }
        // One ARN for each combination of the variables' values (a MoveAccount names two parents).
        var assignments: [[String: String]] = [["Partition": "aws"]]
        for variable in template.variables where variable != "Partition" {
            let found = naming.values(of: variable, type: use.type.name, input: input, caller: caller)
            if found.isEmpty {
                guard use.required else { return [] }
                continue
            }
            assignments = assignments.flatMap { partial in found.map { value in partial.merging([variable: value]) { _, new in new } } }
        }
        return assignments.map { assignment in template.filled { assignment[$0] } }
    }
}

extension RequestResources {
    /// Members that may name a resource of any type.
    static let genericMembers: Set<String> = ["ResourceArn", "PolicySourceArn", "SerialNumber"]
    /// Members whose names do not spell their type's (`OpenIDConnectProviderArn` names an `oidc-provider`).
    static let memberTypes = ["openidconnectprovider": "oidcprovider", "samlprovider": "samlprovider"]

    /// Whether the member `name` holds the ARN of a resource of `type`: `<Type>Arn`, compared without case or dashes.
    static func names(member name: String, type: String) -> Bool {
        if genericMembers.contains(name) { return true }
        guard name.hasSuffix("Arn") else { return false }
        let spelled = name.dropLast(3).lowercased()
        let typeName = type.lowercased().filter { $0.isLetter || $0.isNumber }
        return (memberTypes[spelled] ?? spelled) == typeName
    }
}

/// How one service's requests give the variables of its ARN templates.
protocol ResourceNaming: Sendable {
    /// The values of `variable` (`UserNameWithPath`, `InstanceId`) for a resource of type `type` in this request;
    /// empty when the request names none.
    func values(of variable: String, type: String, input: AWSValue, caller: Caller) -> [String]
    /// The account that owns the request's resources whose ARNs name no account; `nil` when ARNs name their own.
    func owner(input: AWSValue, caller: Caller) -> String?
    /// The resource AWS decides a listing the reference gives no resource type against, where AWS's answers show one.
    func listing(_ action: String, input: AWSValue, caller: Caller) -> String?
}

extension ResourceNaming {
    func owner(input: AWSValue, caller: Caller) -> String? { nil }
    func listing(_ action: String, input: AWSValue, caller: Caller) -> String? { nil }
}
