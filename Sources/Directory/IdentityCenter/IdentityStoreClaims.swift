/// Values only one identity store entity may hold, each kept as a document keyed by the value (lower-cased): a user
/// name, a user's email, a group's display name, a membership's group and user. A write checks and takes one with a
/// single lookup in its transaction, instead of reading every user. Written beside the entities, never loaded into
/// the snapshot.
enum IdentityStoreClaimKind: String, DocumentKind, CaseIterable {
    case userName = "ids_claim_user_name"
    case email = "ids_claim_email"
    case groupName = "ids_claim_group_name"
    case membership = "ids_claim_membership"

    /// What every claim kind's name starts with (start-up skips them: the snapshot holds no claims).
    static let namePrefix = "ids_claim_"

    /// The claim of a user's membership in a group.
    static func membershipValue(groupId: String, userId: String) -> String { "\(groupId)/\(userId)" }
}

/// Who holds a claimed value: a user, group or membership ID.
struct IdentityStoreClaim: Codable, Sendable {
    var id: String
}

extension DocumentTransaction {
    /// The ID of the entity holding `value`, if one does.
    func claimant(_ kind: IdentityStoreClaimKind, _ value: String) async throws -> String? {
        try await get(IdentityStoreClaim.self, kind, value)?.id
    }

    func claim(_ kind: IdentityStoreClaimKind, _ value: String, for id: String) async throws {
        try await put(IdentityStoreClaim(id: id), kind, value)
    }

    /// Gives `value` up, if `id` holds it.
    func release(_ kind: IdentityStoreClaimKind, _ value: String, from id: String) async throws {
        if try await claimant(kind, value) == id { try await delete(kind, value) }
    }
}

extension IdentityStoreOperations {
    /// Moves a user's claims from what it was (`nil` when created) to what it is (`nil` when deleted).
    static func moveClaims(from old: IdentityStoreUser?, to new: IdentityStoreUser?, tx: DocumentTransaction) async throws {
        let oldEmails = old.map { Set(primaryEmails(attributes($0))) } ?? []
        let newEmails = new.map { Set(primaryEmails(attributes($0))) } ?? []
        if let old {
            if old.userName.lowercased() != new?.userName.lowercased() { try await tx.release(.userName, old.userName, from: old.id) }
            for email in oldEmails.subtracting(newEmails) { try await tx.release(.email, email, from: old.id) }
        }
        if let new {
            try await tx.claim(.userName, new.userName, for: new.id)
            for email in newEmails.subtracting(oldEmails) { try await tx.claim(.email, email, for: new.id) }
        }
    }

    /// Deletes memberships (a user's or a group's), with their claims.
    static func removeMemberships(_ memberships: [IdentityStoreMembership], tx: DocumentTransaction) async throws {
        for membership in memberships { try await removeMembership(membership, tx: tx) }
    }

    /// Deletes a membership and gives up its claim.
    static func removeMembership(_ membership: IdentityStoreMembership, tx: DocumentTransaction) async throws {
        try await tx.delete(IdentityCenterDocumentKind.membership, membership.id)
        try await tx.release(
            .membership, IdentityStoreClaimKind.membershipValue(groupId: membership.groupId, userId: membership.userId), from: membership.id)
    }
}
