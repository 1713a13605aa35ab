/// What the request path reads: accounts and credentials, in memory; and what the write views
/// (``DocumentsInWrite``) start from.
///
/// Kept current from the store's change feed by ``Directory/refresh()``; never read
/// from the database on the request path.
public struct DirectorySnapshot: Sendable {
    public var accounts: [String: Account] = [:]
    public var credentials: [String: Credential] = [:]
    /// Each account's IAM entities, by account ID.
    public var iam: [String: AccountIAM] = [:]
    /// Organizations, by management account ID.
    public var organizations: [String: OrganizationState] = [:]
    /// Identity Center instances with their identity stores, permission sets and assignments, by owner account ID.
    public var identityCenter: [String: IdentityCenterState] = [:]
    /// The sign-in service's clients, device authorizations and tokens.
    public var signIn = SignInState()
    /// The change-feed revision this snapshot reflects.
    public var revision: Int64 = 0
    /// The documents (their change IDs, ``DocumentRecord/changeId``) a refresh could not decode: reads keep their last
    /// good value, and the write views (``DocumentsInWrite``) read them in the transaction, where they fail as before.
    public var unreadable: Set<String> = []

    /// A document of a kind accounts hold many of, decoded as ``apply(accountId:kind:key:body:kept:)`` would decode it,
    /// so that loading can decode on every core; `nil` for the other kinds, which `apply` decodes itself.
    static func decodedAhead(kind: String, body: String) throws -> (any Sendable)? {
        switch IAMDocumentKind(rawValue: kind) {
        case .user?: return try DocumentCoding.decode(IAMUser.self, body)
        case .group?: return try DocumentCoding.decode(IAMGroup.self, body)
        case .role?: return try DocumentCoding.decode(IAMRole.self, body)
        case .policy?: return try DocumentCoding.decode(ManagedPolicy.self, body)
        case .loginProfile?: return try DocumentCoding.decode(LoginProfile.self, body)
        case .mfaDevice?: return try DocumentCoding.decode(VirtualMFADevice.self, body)
        default: break
        }
        switch IdentityCenterDocumentKind(rawValue: kind) {
        case .user?: return try DocumentCoding.decode(IdentityStoreUser.self, body)
        case .group?: return try DocumentCoding.decode(IdentityStoreGroup.self, body)
        case .membership?: return try DocumentCoding.decode(IdentityStoreMembership.self, body)
        case .assignment?: return try DocumentCoding.decode(AccountAssignment.self, body)
        default: return nil
        }
    }

    /// Applies one stored document (or its removal, when `body` is `nil`); kinds it does not know are skipped.
    mutating func apply(accountId: String, kind: String, key: String, body: String?, kept: (any Sendable)? = nil) throws {
        if let kind = IAMDocumentKind(rawValue: kind) {
            try iam[accountId, default: AccountIAM()].apply(kind: kind, key: key, body: body, kept: kept)
        } else if let kind = OrganizationDocumentKind(rawValue: kind) {
            try organizations[accountId, default: OrganizationState()].apply(kind: kind, key: key, body: body, kept: kept)
            if organizations[accountId]?.isEmpty == true { organizations[accountId] = nil }
        } else if let kind = IdentityCenterDocumentKind(rawValue: kind) {
            try identityCenter[accountId, default: IdentityCenterState()].apply(kind: kind, key: key, body: body, kept: kept)
        } else if let kind = SignInDocumentKind(rawValue: kind) {
            try signIn.apply(kind: kind, key: key, body: body, kept: kept)
        }
    }
}
