import Foundation

/// The kinds of Identity Center documents, all kept under the instance's owner account.
public enum IdentityCenterDocumentKind: String, DocumentKind, CaseIterable {
    case instance = "sso_instance"
    case user = "ids_user"
    case group = "ids_group"
    case membership = "ids_membership"
    case permissionSet = "sso_permission_set"
    case assignment = "sso_assignment"
    case request = "sso_request"
    case provisioned = "sso_provisioned"
}

/// An Identity Center instance: an organization instance (of the management account) or an account instance.
public struct IdentityCenterInstance: Codable, Sendable, Equatable {
    /// `ssoins-` and 16 hexadecimal digits.
    public var id: String
    /// `d-` and 10 hexadecimal digits: the identity store, and the start URL's name.
    public var identityStoreId: String
    public var ownerAccountId: String
    public var name: String?
    public var created: Date
    /// Fixed at creation: the region of the call that created it.
    public var homeRegion: String
    /// The organization an organization instance serves; `nil` for an account instance.
    public var organizationId: String?
    /// `AWS_OWNED_KMS_KEY` or `CUSTOMER_MANAGED_KEY`.
    public var keyType = "AWS_OWNED_KMS_KEY"
    public var kmsKeyArn: String?
    public var tags: [IAMTag] = []
    public var signIn = SignInSettings()

    public var arn: String { "arn:aws:sso:::instance/\(id)" }
}

/// How the portal signs users in (AWS keeps these in its console only).
public struct SignInSettings: Codable, Sendable, Equatable {
    /// When to ask for MFA: `EVERY_SIGN_IN`, `CONTEXT_AWARE` (AWS's default) or `DISABLED`.
    public var mfaMode = "CONTEXT_AWARE"
    /// Devices users may use: `AUTHENTICATOR_APP`, `SECURITY_KEY`.
    public var allowedMFATypes = ["AUTHENTICATOR_APP", "SECURITY_KEY"]
    /// A user with no device: `REGISTER_AT_SIGN_IN` (AWS's default), `BLOCKED` or `ALLOWED`.
    public var withoutMFA = "REGISTER_AT_SIGN_IN"
    /// How long a portal sign-in lasts, in hours (AWS: 1 to 168, default 8).
    public var portalSessionHours = 8

    public init() {}

    public static let mfaModes = ["EVERY_SIGN_IN", "CONTEXT_AWARE", "DISABLED"]
    public static let mfaTypes = ["AUTHENTICATOR_APP", "SECURITY_KEY"]
    public static let withoutMFAChoices = ["REGISTER_AT_SIGN_IN", "BLOCKED", "ALLOWED"]
}

/// A user of an identity store. Its attributes are kept as AWS returns them (`Name`, `Emails`, ...).
public struct IdentityStoreUser: Codable, Sendable, Equatable {
    public var id: String
    public var userName: String
    /// Every other attribute, as the JSON object of DescribeUser's members.
    public var attributes: String
    public var created: Date
    public var createdBy: String
    public var updated: Date
    public var updatedBy: String
    /// The portal password's hash, once the user has one (one-time password or invitation).
    public var passwordHash: String?
    /// The password was made by an administrator and must be changed at the first sign-in.
    public var passwordIsOneTime = false
    /// Authenticator apps registered for the portal sign-in.
    public var mfaDevices: [PortalMFADevice] = []
}

/// An authenticator app an Identity Center user registered.
public struct PortalMFADevice: Codable, Sendable, Equatable {
    public var name: String
    /// The TOTP seed, sealed with the instance key.
    public var sealedSeed: String
    public var registered: Date
    /// The last time step accepted, so that no code is accepted twice.
    public var lastStep: Int64 = 0
}

/// A group of an identity store.
public struct IdentityStoreGroup: Codable, Sendable, Equatable {
    public var id: String
    public var displayName: String
    public var description: String?
    public var created: Date
    public var createdBy: String
    public var updated: Date
    public var updatedBy: String
}

/// A user's membership in a group.
public struct IdentityStoreMembership: Codable, Sendable, Equatable {
    public var id: String
    public var groupId: String
    public var userId: String
    public var created: Date
    public var createdBy: String
}

/// A permission set: the template of the role Identity Center provisions into each account it is assigned in.
public struct PermissionSet: Codable, Sendable, Equatable {
    /// A customer managed policy named by path and name, looked up in each target account.
    public struct PolicyReference: Codable, Sendable, Equatable, Hashable {
        public var name: String
        public var path: String
    }

    /// `ps-` and 16 hexadecimal digits.
    public var id: String
    public var instanceId: String
    public var name: String
    public var description: String?
    /// ISO 8601 (`PT1H`, at most `PT12H`).
    public var sessionDuration: String
    public var relayState: String?
    public var created: Date
    public var tags: [IAMTag] = []
    public var managedPolicies: [String] = []
    public var customerPolicies: [PolicyReference] = []
    public var inlinePolicy: String?
    public var boundaryManagedPolicy: String?
    public var boundaryCustomerPolicy: PolicyReference?
    /// Counts changes, so provisioning can tell whether an account has the latest.
    public var revision = 1

    public var arn: String { "arn:aws:sso:::permissionSet/\(instanceId)/\(id)" }
}

/// An assignment: a user or group may use a permission set in an account.
public struct AccountAssignment: Codable, Sendable, Equatable {
    public var permissionSetId: String
    public var accountId: String
    /// `USER` or `GROUP`.
    public var principalType: String
    public var principalId: String
    public var created: Date

    public var key: String { Self.key(permissionSetId, accountId, principalType, principalId) }
    /// The permission set and the account it puts it in: the key of the role provisioned for it.
    public var placement: String { ProvisionedPermissionSet.key(permissionSetId, accountId) }
    public static func key(_ permissionSetId: String, _ accountId: String, _ principalType: String, _ principalId: String) -> String {
        "\(permissionSetId)/\(accountId)/\(principalType)/\(principalId)"
    }
}

/// An asynchronous request (assignment creation or deletion, provisioning) and how it ended.
public struct IdentityCenterRequest: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case createAssignment, deleteAssignment, provision
    }

    public var id: String
    public var kind: Kind
    /// `SUCCEEDED` or `FAILED` (the work is done inside the request).
    public var status: String
    public var failureReason: String?
    public var created: Date
    public var accountId: String
    public var permissionSetArn: String
    public var principalType: String?
    public var principalId: String?
}

/// A permission set's role in one account.
public struct ProvisionedPermissionSet: Codable, Sendable, Equatable {
    public var permissionSetId: String
    public var accountId: String
    public var roleName: String
    /// The permission set's revision the role reflects.
    public var revision: Int

    public var key: String { Self.key(permissionSetId, accountId) }
    /// `<permission set ID>/<account ID>`: an account assignment's key starts with it too.
    public static func key(_ permissionSetId: String, _ accountId: String) -> String { "\(permissionSetId)/\(accountId)" }
}

/// One Identity Center instance in memory, under its owner account's ID in the snapshot.
///
/// Users, groups, memberships and account assignments are sorted maps by key (listings page without sorting, and a
/// write copies one chunk, not the whole map), with the indexes reads look up by: users by user name, each user's
/// and group's memberships, and each principal's assignments.
public struct IdentityCenterState: Sendable {
    public var instance: IdentityCenterInstance?
    public internal(set) var users = SortedMap<IdentityStoreUser>()
    public internal(set) var groups = SortedMap<IdentityStoreGroup>()
    public internal(set) var memberships = SortedMap<IdentityStoreMembership>()
    public var permissionSets: [String: PermissionSet] = [:]
    public internal(set) var assignments = SortedMap<AccountAssignment>()
    public var requests: [String: IdentityCenterRequest] = [:]
    public var provisioned: [String: ProvisionedPermissionSet] = [:]
    /// User keys by lower-cased user name, and by lower-cased email; group keys by lower-cased display name.
    public private(set) var userKeys = SortedMap<String>()
    public private(set) var userKeysByEmail = SortedMap<String>()
    public private(set) var groupKeys = SortedMap<String>()
    /// Membership keys by lower-cased user ID, and by lower-cased group ID.
    public private(set) var membershipsByUser = SortedMap<SortedMap<Bool>>()
    public private(set) var membershipsByGroup = SortedMap<SortedMap<Bool>>()
    /// Assignment keys by lower-cased principal (user or group) ID.
    public private(set) var assignmentsByPrincipal = SortedMap<SortedMap<Bool>>()

    public init() {}

    mutating func apply(kind: IdentityCenterDocumentKind, key: String, body: String?, kept: (any Sendable)? = nil) throws {
        switch kind {
        case .instance: instance = try body.map { try DocumentCoding.value(IdentityCenterInstance.self, $0, kept: kept) }
        case .user:
            let user = try body.map { try DocumentCoding.value(IdentityStoreUser.self, $0, kept: kept) }
            let old = users[key]
            Self.rekey(key, in: &userKeys, from: old.map { [$0.userName] } ?? [], to: user.map { [$0.userName] } ?? [])
            Self.rekey(key, in: &userKeysByEmail, from: old.map(Self.emails) ?? [], to: user.map(Self.emails) ?? [])
            users[key] = user
        case .group:
            let group = try body.map { try DocumentCoding.value(IdentityStoreGroup.self, $0, kept: kept) }
            Self.rekey(key, in: &groupKeys, from: groups[key].map { [$0.displayName] } ?? [], to: group.map { [$0.displayName] } ?? [])
            groups[key] = group
        case .membership:
            let membership = try body.map { try DocumentCoding.value(IdentityStoreMembership.self, $0, kept: kept) }
            let old = memberships[key]
            membershipsByUser.move(key, from: old.map { [$0.userId] } ?? [], to: membership.map { [$0.userId] } ?? [])
            membershipsByGroup.move(key, from: old.map { [$0.groupId] } ?? [], to: membership.map { [$0.groupId] } ?? [])
            memberships[key] = membership
        case .permissionSet: permissionSets[key] = try body.map { try DocumentCoding.value(PermissionSet.self, $0, kept: kept) }
        case .assignment:
            let assignment = try body.map { try DocumentCoding.value(AccountAssignment.self, $0, kept: kept) }
            let old = assignments[key]
            assignmentsByPrincipal.move(key, from: old.map { [$0.principalId] } ?? [], to: assignment.map { [$0.principalId] } ?? [])
            assignments[key] = assignment
        case .request: requests[key] = try body.map { try DocumentCoding.value(IdentityCenterRequest.self, $0, kept: kept) }
        case .provisioned: provisioned[key] = try body.map { try DocumentCoding.value(ProvisionedPermissionSet.self, $0, kept: kept) }
        }
    }

    /// Points the index entries of `old` values (any case) away from `key`, unless another entity took them since, and
    /// those of `new` values to it.
    private static func rekey(_ key: String, in index: inout SortedMap<String>, from old: [String], to new: [String]) {
        let kept = Set(new.map { $0.lowercased() })
        for value in old.map({ $0.lowercased() }) where !kept.contains(value) && index[value] == key { index[value] = nil }
        for value in kept { index[value] = key }
    }

    /// A user's emails, as the identity store reads them (lower-cased).
    static func emails(_ user: IdentityStoreUser) -> [String] {
        IdentityStoreOperations.primaryEmails(IdentityStoreOperations.attributes(user))
    }

    /// The user with this user name (any case).
    public func user(named name: String) -> IdentityStoreUser? {
        userKeys[name.lowercased()].flatMap { users[$0] }
    }

    /// The user with this email (any case).
    public func user(email: String) -> IdentityStoreUser? {
        userKeysByEmail[email.lowercased()].flatMap { users[$0] }
    }

    /// The group with this display name (any case).
    public func group(named name: String) -> IdentityStoreGroup? {
        groupKeys[name.lowercased()].flatMap { groups[$0] }
    }

    /// A user's memberships (`userId`) or a group's (`groupId`), in membership ID order.
    public func memberships(ofUser userId: String? = nil, ofGroup groupId: String? = nil) -> [IdentityStoreMembership] {
        let index = userId.map { membershipsByUser[$0.lowercased()] } ?? groupId.map { membershipsByGroup[$0.lowercased()] } ?? nil
        return index?.entries().compactMap { memberships[$0.key] } ?? []
    }

    /// The groups a user is in.
    public func groupIds(of userId: String) -> Set<String> {
        Set(memberships(ofUser: userId).map(\.groupId))
    }

    /// The assignments that reach a user, directly or through its groups.
    public func assignments(of userId: String) -> [AccountAssignment] {
        let principals = [userId] + groupIds(of: userId)
        return principals.flatMap { principal in
            (assignmentsByPrincipal[principal.lowercased()]?.entries().compactMap { assignments[$0.key] } ?? []).filter {
                $0.principalId == principal && $0.principalType == (principal == userId ? "USER" : "GROUP")
            }
        }
    }
}
