import Storage

/// What one Identity Center instance's memberships and account assignments are now, as a write transaction sees them,
/// answered from the snapshot's indexes (``DocumentsInWrite``): a user's or group's memberships, a principal's
/// assignments, the assignments left for a permission set in an account.
struct IdentityCenterWriteView {
    let snapshot: IdentityCenterState
    let memberships: DocumentsInWrite<IdentityStoreMembership>
    let assignments: DocumentsInWrite<AccountAssignment>

    /// The memberships of the user or group `id` (any case), `member` being `\.userId` or `\.groupId`, by key.
    func memberships(of id: String, by member: KeyPath<IdentityStoreMembership, String>) async throws -> [IdentityStoreMembership] {
        let id = id.lowercased()
        let index = member == \IdentityStoreMembership.userId ? snapshot.membershipsByUser[id] : snapshot.membershipsByGroup[id]
        return try await memberships.current(indexed: index) { $0[keyPath: member].lowercased() == id }
    }

    /// The account assignments of the user or group `principalId` (any case), by key.
    func assignments(of principalId: String) async throws -> [AccountAssignment] {
        let id = principalId.lowercased()
        return try await assignments.current(indexed: snapshot.assignmentsByPrincipal[id]) { $0.principalId.lowercased() == id }
    }

    /// Whether any assignment puts the permission set in the account (`nil`: in any account).
    func assigns(permissionSet permissionSetId: String, in accountId: String? = nil) async throws -> Bool {
        try await !assignments.current { $0.permissionSetId == permissionSetId && (accountId == nil || $0.accountId == accountId) }.isEmpty
    }
}

extension Directory {
    /// A view of the Identity Center instance of `tx`'s account for the write transaction `tx` (see ``IdentityCenterWriteView``).
    func identityCenterWriteView(_ tx: DocumentTransaction) async throws -> IdentityCenterWriteView {
        let (revision, state) = snapshotWithRevision { $0.identityCenter[tx.accountId] ?? IdentityCenterState() }
        return IdentityCenterWriteView(
            snapshot: state,
            memberships: try await documentsInWrite(tx, IdentityCenterDocumentKind.membership, held: state.memberships, revision: revision),
            assignments: try await documentsInWrite(tx, IdentityCenterDocumentKind.assignment, held: state.assignments, revision: revision))
    }
}
