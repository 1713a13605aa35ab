import Storage

/// What one Identity Center instance's memberships and account assignments are now, as a write transaction sees them,
/// answered from the snapshot's indexes (``DocumentsInWrite``): a user's or group's memberships, a principal's
/// assignments, the assignments left for a permission set in an account.
struct IdentityCenterWriteView {
    let snapshot: IdentityCenterState
    let memberships: DocumentsInWrite<IdentityStoreMembership>
    let assignments: DocumentsInWrite<AccountAssignment>

    /// The memberships of the user `userId` (any case), by key.
    func memberships(ofUser userId: String) async throws -> [IdentityStoreMembership] {
        let id = userId.lowercased()
        return try await memberships.current(indexed: snapshot.membershipsByUser[id]) { $0.userId.lowercased() == id }
    }

    /// The memberships of the group `groupId` (any case), by key.
    func memberships(ofGroup groupId: String) async throws -> [IdentityStoreMembership] {
        let id = groupId.lowercased()
        return try await memberships.current(indexed: snapshot.membershipsByGroup[id]) { $0.groupId.lowercased() == id }
    }

    /// The account assignments of the user or group `principalId` (any case), by key.
    func assignments(of principalId: String) async throws -> [AccountAssignment] {
        let id = principalId.lowercased()
        return try await assignments.current(indexed: snapshot.assignmentsByPrincipal[id]) { $0.principalId.lowercased() == id }
    }

    /// Whether any assignment puts the permission set in the account (`nil`: in any account). An assignment's key
    /// starts with its permission set's ID and account ID, so only those keys are read.
    func assigns(permissionSet permissionSetId: String, in accountId: String? = nil) async throws -> Bool {
        let prefix = (accountId.map { ProvisionedPermissionSet.key(permissionSetId, $0) } ?? permissionSetId).lowercased() + "/"
        return try await assignments.contains(keysStartingWith: prefix) {
            $0.permissionSetId == permissionSetId && (accountId == nil || $0.accountId == accountId)
        }
    }

    /// Which of the placements (`AccountAssignment.placement`) of `assignments` some assignment still puts in place.
    func placements(of assignments: [AccountAssignment]) async throws -> Set<String> {
        var kept: Set<String> = []
        for assignment in assignments where !kept.contains(assignment.placement) {
            if try await assigns(permissionSet: assignment.permissionSetId, in: assignment.accountId) { kept.insert(assignment.placement) }
        }
        return kept
    }
}

extension Directory {
    /// A view of the Identity Center instance of `tx`'s account for the write transaction `tx` (see ``IdentityCenterWriteView``).
    func identityCenterWriteView(_ tx: DocumentTransaction) async throws -> IdentityCenterWriteView {
        let (state, changed) = try await snapshotInWrite(tx) { $0.identityCenter[tx.accountId] ?? IdentityCenterState() }
        return IdentityCenterWriteView(
            snapshot: state, memberships: changed.documents(IdentityCenterDocumentKind.membership, held: state.memberships),
            assignments: changed.documents(IdentityCenterDocumentKind.assignment, held: state.assignments))
    }
}
