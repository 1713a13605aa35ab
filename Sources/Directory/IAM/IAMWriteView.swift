import Storage

/// What one account's IAM documents hold now, as a write transaction sees them, answered from the snapshot's indexes
/// (``DocumentsInWrite``): a group's members, an owner's MFA devices, a policy's attachments.
struct IAMWriteView {
    let snapshot: AccountIAM
    let users: DocumentsInWrite<IAMUser>
    let groups: DocumentsInWrite<IAMGroup>
    let roles: DocumentsInWrite<IAMRole>
    let mfaDevices: DocumentsInWrite<VirtualMFADevice>

    /// The users in the group named `name` (any case), by key.
    func members(ofGroup name: String) async throws -> [IAMUser] {
        let group = name.lowercased()
        return try await users.current(indexed: snapshot.groupMembers[group]) { user in user.groups.contains { $0.lowercased() == group } }
    }

    /// The MFA devices assigned to `owner` (an IAM user name in any case, or ``VirtualMFADevice/rootOwner``), by key.
    func mfaDevices(of owner: String) async throws -> [VirtualMFADevice] {
        let owner = owner.lowercased()
        return try await mfaDevices.current(indexed: snapshot.mfaDevicesByOwner[owner]) { $0.userName?.lowercased() == owner }
    }

    /// How many users, groups and roles the managed policy `arn` is attached to: the snapshot's count, corrected by
    /// what each changed document held then and holds now.
    func attachmentCount(of arn: String) async throws -> Int {
        let count = try await users.count(from: snapshot.attachmentCount(of: arn)) { $0.attachedPolicies.contains(arn) }
        return try await roles.count(from: groups.count(from: count) { $0.attachedPolicies.contains(arn) }) { $0.attachedPolicies.contains(arn) }
    }
}

extension Directory {
    /// A view of the account's IAM documents for the write transaction `tx` (see ``IAMWriteView``).
    func iamWriteView(_ tx: DocumentTransaction) async throws -> IAMWriteView {
        let (iam, changed) = try await snapshotInWrite(tx) { $0.iam[tx.accountId] ?? AccountIAM() }
        return IAMWriteView(
            snapshot: iam, users: changed.documents(IAMDocumentKind.user, held: iam.users),
            groups: changed.documents(IAMDocumentKind.group, held: iam.groups), roles: changed.documents(IAMDocumentKind.role, held: iam.roles),
            mfaDevices: changed.documents(IAMDocumentKind.mfaDevice, held: iam.mfaDevices))
    }
}
