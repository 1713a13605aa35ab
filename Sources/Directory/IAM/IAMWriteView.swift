import Storage

/// What one account's IAM documents hold now, as a write transaction sees them, answered from the snapshot's
/// indexes: for the checks and renames that would otherwise read every user, group or role ("does this group
/// still have members?").
///
/// The snapshot reflects the store at its revision. A document not changed since is as the snapshot holds it; the
/// documents changed since (committed after the snapshot read the feed, by this process or another, or written
/// earlier in the same transaction) are few, and are read in the transaction.
struct IAMWriteView {
    let tx: DocumentTransaction
    /// The snapshot's IAM state of the account.
    let snapshot: AccountIAM
    /// The keys of the documents, by kind, that changed after the snapshot's revision.
    let changed: [IAMDocumentKind: Set<String>]

    /// The users in the group named `name` (any case), by key.
    func members(ofGroup name: String) async throws -> [IAMUser] {
        let group = name.lowercased()
        return try await current(IAMUser.self, .user, indexed: snapshot.groupMembers[group], held: { snapshot.users[$0] }) { user in
            user.groups.contains { $0.lowercased() == group }
        }
    }

    /// The MFA devices assigned to `owner` (an IAM user name in any case, or ``VirtualMFADevice/rootOwner``), by key.
    func mfaDevices(of owner: String) async throws -> [VirtualMFADevice] {
        let owner = owner.lowercased()
        return try await current(VirtualMFADevice.self, .mfaDevice, indexed: snapshot.mfaDevicesByOwner[owner], held: { snapshot.mfaDevices[$0] }) {
            device in
            device.userName?.lowercased() == owner
        }
    }

    /// How many users, groups and roles the managed policy `arn` is attached to: the snapshot's count, corrected by
    /// what each changed document held then and holds now.
    func attachmentCount(of arn: String) async throws -> Int {
        var count = snapshot.attachmentCount(of: arn)
        for key in changed[.user] ?? [] {
            count += try await tx.get(IAMUser.self, .user, key)?.attachedPolicies.contains(arn) == true ? 1 : 0
            count -= snapshot.users[key]?.attachedPolicies.contains(arn) == true ? 1 : 0
        }
        for key in changed[.group] ?? [] {
            count += try await tx.get(IAMGroup.self, .group, key)?.attachedPolicies.contains(arn) == true ? 1 : 0
            count -= snapshot.groups[key]?.attachedPolicies.contains(arn) == true ? 1 : 0
        }
        for key in changed[.role] ?? [] {
            count += try await tx.get(IAMRole.self, .role, key)?.attachedPolicies.contains(arn) == true ? 1 : 0
            count -= snapshot.roles[key]?.attachedPolicies.contains(arn) == true ? 1 : 0
        }
        return count
    }

    /// The documents of `kind` that satisfy `holds` now: those the snapshot's index lists and that have not
    /// changed since (the snapshot's values, `held`), and the changed ones that hold it when read in the transaction.
    private func current<T: Decodable>(
        _ type: T.Type, _ kind: IAMDocumentKind, indexed: SortedMap<Bool>?, held: (String) -> T?, holds: (T) -> Bool
    ) async throws -> [T] {
        let changed = changed[kind] ?? []
        var found: [(key: String, value: T)] = []
        for entry in indexed?.entries() ?? SortedMap<Bool>().entries() where !changed.contains(entry.key) {
            if let value = held(entry.key) { found.append((entry.key, value)) }
        }
        for key in changed {
            if let value = try await tx.get(type, kind, key), holds(value) { found.append((key, value)) }
        }
        return found.sorted { $0.key < $1.key }.map(\.value)
    }
}

extension Directory {
    /// A view of the account's IAM documents of `kinds` for the write transaction `tx` (see ``IAMWriteView``).
    func iamWriteView(_ tx: DocumentTransaction, kinds: [IAMDocumentKind]) async throws -> IAMWriteView {
        let (revision, snapshot) = iamWithRevision(tx.accountId)
        var changed: [IAMDocumentKind: Set<String>] = [:]
        for kind in kinds {
            changed[kind] = try await tx.session.documentKeysChanged(after: revision, accountId: tx.accountId, kind: kind.rawValue)
        }
        return IAMWriteView(tx: tx, snapshot: snapshot, changed: changed)
    }
}
