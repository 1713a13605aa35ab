import Foundation

extension SSOAdminOperations {
    /// The trust policy of a provisioned role: only Identity Center's own SAML provider in the account
    /// may assume it, so no IAM principal can; Gatehouse's portal makes its sessions directly.
    static func trustPolicy(accountId: String, instance: IdentityCenterInstance) -> String {
        let provider = "arn:aws:iam::\(accountId):saml-provider/AWSSSO_\(instance.id.dropFirst("ssoins-".count))_DO_NOT_DELETE"
        return """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\(provider)"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}
            """
    }

    static let rolePath = "/aws-reserved/sso.amazonaws.com/"

    /// Makes or updates the permission set's role in `accountId`: `AWSReservedSSO_<name>_<16 hex>` with the
    /// permission set's policies and boundary. Returns why it could not, as a provisioning failure reason.
    static func provision(
        _ permissionSet: PermissionSet, in accountId: String, instance: IdentityCenterInstance, tx: DocumentTransaction, now: Date
    ) async throws -> String? {
        let target = tx.account(accountId)
        func customerPolicy(_ reference: PermissionSet.PolicyReference) async throws -> String? {
            let arn = "arn:aws:iam::\(accountId):policy\(reference.path)\(reference.name)"
            let policy = try await target.get(ManagedPolicy.self, IAMDocumentKind.policy, reference.name)
            return policy?.arn == arn ? arn : nil
        }
        var attached = permissionSet.managedPolicies
        for reference in permissionSet.customerPolicies {
            guard let arn = try await customerPolicy(reference) else {
                return "Received a 404 status error: the customer managed policy \(reference.path)\(reference.name) does not exist in account \(accountId)."
            }
            attached.append(arn)
        }
        var boundary = permissionSet.boundaryManagedPolicy
        if let reference = permissionSet.boundaryCustomerPolicy {
            guard let arn = try await customerPolicy(reference) else {
                return "Received a 404 status error: the permissions boundary policy \(reference.path)\(reference.name) does not exist in account \(accountId)."
            }
            boundary = arn
        }
        let key = ProvisionedPermissionSet.key(permissionSet.id, accountId)
        let existing = try await tx.get(ProvisionedPermissionSet.self, IdentityCenterDocumentKind.provisioned, key)
        let roleName = existing?.roleName ?? "AWSReservedSSO_\(permissionSet.name)_\(Identifiers.hex(16))"
        var role =
            try await target.get(IAMRole.self, IAMDocumentKind.role, roleName)
            ?? IAMRole(
                name: roleName, id: Identifiers.prefixed("AROA", length: 17), path: rolePath,
                arn: IAMOperations.arn(accountId, "role", path: rolePath, name: roleName), created: now,
                trustPolicy: trustPolicy(accountId: accountId, instance: instance), maxSessionDuration: 3600)
        role.description = "Role for the Identity Center permission set \(permissionSet.name)."
        role.maxSessionDuration = seconds(permissionSet.sessionDuration) ?? 3600
        role.attachedPolicies = attached
        role.inlinePolicies = permissionSet.inlinePolicy.map { ["AwsSSOInlinePolicy": $0] } ?? [:]
        role.permissionsBoundary = boundary
        try await target.put(role, IAMDocumentKind.role, roleName)
        try await tx.put(
            ProvisionedPermissionSet(permissionSetId: permissionSet.id, accountId: accountId, roleName: roleName, revision: permissionSet.revision),
            IdentityCenterDocumentKind.provisioned, key)
        return nil
    }

    /// Removes a permission set's role from an account.
    static func deprovision(_ provisioned: ProvisionedPermissionSet, tx: DocumentTransaction) async throws {
        try await tx.account(provisioned.accountId).delete(IAMDocumentKind.role, provisioned.roleName)
        try await tx.delete(IdentityCenterDocumentKind.provisioned, provisioned.key)
    }
}
