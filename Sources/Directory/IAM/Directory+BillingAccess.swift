import AWSWire
import Foundation
import Storage

extension Directory {
    /// Turns the root-only switch "IAM user and role access to billing" on or off (the console's account page),
    /// recorded in the account's trail as `gatehouse` `SetIAMAccessToBilling`.
    ///
    /// - Throws: ``DirectoryError`` when the caller is not the account's root user.
    public func setIAMBillingAccess(_ enabled: Bool, caller: Caller, now: Date = Date()) async throws {
        guard caller.principal.kind == .root else { throw DirectoryError.invalidInput("Only the root user can change IAM access to billing.") }
        let accountId = caller.principal.accountId
        try await store.write { session in
            let tx = DocumentTransaction(session: session, accountId: accountId)
            var settings = try await tx.get(AccountSettings.self, .settings, "account") ?? AccountSettings()
            settings.billingAccess = enabled
            try await tx.put(settings, .settings, "account")
            let event = AuditEvent(
                eventTime: now, eventSource: "gatehouse", eventName: "SetIAMAccessToBilling", awsRegion: caller.region,
                sourceIPAddress: caller.sourceIPAddress, userAgent: caller.userAgent,
                identity: .init(principal: caller.principal, accessKeyId: nil, mfaAuthenticated: caller.mfaAuthenticated != nil, sessionCreated: caller.sessionIssued),
                requestParameters: ["enabled": .boolean(enabled)], requestId: Identifiers.uuid(), readOnly: false, recipientAccountId: accountId)
            try await auditTrail.append([event], in: session)
        }
        try await refresh()
    }
}
