import AWSWire
import Foundation
import Storage

extension Directory {
    /// Emulator mode: a suite names an Identity Center instance (`InstanceArn`) or identity store (`IdentityStoreId`)
    /// it made up, or lists instances expecting one, as emulators start with one. When the caller's account has no
    /// instance, this creates it under the names given (others generated), so the call finds it.
    /// A well-formed name is needed; a malformed one is left for the operation to refuse.
    public func createInstanceOnFirstReference(operation: String, input: AWSValue, caller: Caller, now: Date) async throws {
        let instanceId = input["InstanceArn"]?.string.flatMap(Self.instanceId(arn:))
        let storeId = input["IdentityStoreId"]?.string.flatMap { Self.isIdentityStoreId($0) ? $0 : nil }
        guard instanceId != nil || storeId != nil || operation == "ListInstances",
            snapshot.identityCenter[caller.principal.accountId]?.instance == nil
        else { return }
        let accountId = caller.principal.accountId
        let created = try await store.write { session -> Bool in
            let tx = DocumentTransaction(session: session, accountId: accountId)
            guard try await tx.get(IdentityCenterInstance.self, IdentityCenterDocumentKind.instance, "instance") == nil else { return false }
            let organization = try await tx.get(Organization.self, OrganizationDocumentKind.organization, "organization")
            let instance = IdentityCenterInstance(
                id: instanceId ?? "ssoins-" + Identifiers.hex(16), identityStoreId: storeId ?? "d-" + Identifiers.hex(10), ownerAccountId: accountId,
                name: nil, created: now, homeRegion: caller.region, organizationId: organization?.id)
            try await tx.put(instance, IdentityCenterDocumentKind.instance, "instance")
            let event = AuditEvent(
                eventTime: now, eventSource: "sso.amazonaws.com", eventName: "CreateInstance", awsRegion: caller.region,
                sourceIPAddress: caller.sourceIPAddress, userAgent: caller.userAgent,
                identity: AuditEvent.Identity(principal: caller.principal, accessKeyId: caller.accessKeyId),
                responseElements: ["instanceArn": .string(instance.arn), "identityStoreId": .string(instance.identityStoreId)],
                requestId: Identifiers.uuid(), readOnly: false, recipientAccountId: accountId, permissive: true)
            try await auditTrail.append([event], in: session)
            return true
        }
        if created { try await refresh() }
    }

    /// The instance ID of `arn:aws:sso:::instance/ssoins-<16>` (botocore's InstanceArn pattern), if well formed.
    static func instanceId(arn: String) -> String? {
        let prefix = "arn:aws:sso:::instance/"
        guard arn.hasPrefix(prefix) else { return nil }
        let id = String(arn.dropFirst(prefix.count))
        let suffix = id.hasPrefix("ssoins-") ? id.dropFirst(7) : id.hasPrefix("ins-") ? id.dropFirst(4) : nil
        guard let suffix, suffix.count == 16, suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
            return nil
        }
        return id
    }

    /// `d-` and 10 lower-case hexadecimal digits.
    static func isIdentityStoreId(_ id: String) -> Bool {
        id.hasPrefix("d-") && id.count == 12 && id.dropFirst(2).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
