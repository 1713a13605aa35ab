@testable import Directory
import Foundation
import Storage
import Testing

/// The write views answer from the snapshot and the documents changed since, and must answer as a read of every
/// document in the transaction would: whether a change reached the snapshot, was committed after it, or is the
/// transaction's own. `IAMWriteView`: "who is in this group", "which devices does this user hold", "how many entities
/// is this policy attached to".
struct IAMWriteViewTests {
    static let account = "111122223333"
    static let groups = ["Devs", "ops", "AUDIT"]
    static let policies = (0..<3).map { "arn:aws:iam::111122223333:policy/p\($0)" }

    /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    /// Three rounds of random changes with `change`: the first read into the snapshot, the second committed after it, the
    /// third inside the transaction that `check` then runs in.
    static func inThreeRounds(
        seed: UInt64, account: String, change: (DocumentTransaction, inout Generator) async throws -> Void,
        check: (Directory, DocumentTransaction) async throws -> Void
    ) async throws {
        var random = Generator(state: seed)
        try await Scratch.withDirectory { directory in
            try await directory.store.write { session in try await change(DocumentTransaction(session: session, accountId: account), &random) }
            try await directory.refresh()
            try await directory.store.write { session in try await change(DocumentTransaction(session: session, accountId: account), &random) }
            try await directory.store.write { session in
                let tx = DocumentTransaction(session: session, accountId: account)
                try await change(tx, &random)
                try await check(directory, tx)
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func agreesWithReadingEveryDocument(seed: UInt64) async throws {
        try await Self.inThreeRounds(seed: seed, account: Self.account, change: Self.change) { directory, tx in
            let view = try await directory.iamWriteView(tx)
            let users = try await tx.all(IAMUser.self, .user)
            let devices = try await tx.all(VirtualMFADevice.self, .mfaDevice)
            for group in Self.groups + ["nobody"] {
                let expected = users.filter { $0.groups.contains { $0.lowercased() == group.lowercased() } }.map(\.name)
                #expect(try await view.members(ofGroup: group.uppercased()).map(\.name) == expected, "group \(group)")
            }
            for user in (0..<12).map({ "User\($0)" }) {
                let expected = devices.filter { $0.userName?.lowercased() == user.lowercased() }.map(\.name)
                #expect(try await view.mfaDevices(of: user).map(\.name) == expected, "user \(user)")
            }
            let groups = try await tx.all(IAMGroup.self, .group)
            let roles = try await tx.all(IAMRole.self, .role)
            for arn in Self.policies {
                let expected = users.filter { $0.attachedPolicies.contains(arn) }.count + groups.filter { $0.attachedPolicies.contains(arn) }.count
                    + roles.filter { $0.attachedPolicies.contains(arn) }.count
                #expect(try await view.attachmentCount(of: arn) == expected, "policy \(arn)")
            }
        }
    }

    /// Another process's write reaches the view before this process's snapshot has read it: a member added by one
    /// process keeps another from deleting the group.
    @Test func seesAnotherProcesssWrites() async throws {
        try await Scratch.withFolder { folder in
            let first = try await folder.openDirectory()
            let second = try await folder.openDirectory()
            try await second.store.write { session in try await DocumentTransaction(session: session, accountId: Self.account).put(Self.ana, .user, "ana") }
            let members = try await first.store.write { session in
                try await first.iamWriteView(DocumentTransaction(session: session, accountId: Self.account)).members(ofGroup: "devs").map(\.name)
            }
            #expect(first.iam(Self.account).users.isEmpty, "the first process has not read the feed yet")
            #expect(members == ["ana"])
        }
    }

    /// A document the snapshot could not read is read again in the transaction, where it fails: a check never passes
    /// because the snapshot skipped a document.
    @Test func readsAnUnreadableDocumentInTheTransaction() async throws {
        try await Scratch.withDirectory { directory in
            try await directory.store.write { session in try await DocumentTransaction(session: session, accountId: Self.account).put(Self.ana, .user, "ana") }
            try await directory.refresh()
            try await directory.store.write { session in
                try await session.put(DocumentRecord(accountId: Self.account, kind: "user", key: "ana", body: #"{"name": 7}"#))
            }
            try await directory.refresh()
            #expect(directory.iam(Self.account).user("ana") == Self.ana, "reads keep the last good value")
            await #expect(throws: DecodingError.self) {
                try await directory.store.write { session in
                    try await directory.iamWriteView(DocumentTransaction(session: session, accountId: Self.account)).members(ofGroup: "devs")
                }
            }
        }
    }

    /// A reset records its deletions in the change feed: another process's view, taken before it reads the feed, and
    /// its snapshot afterwards both see the erased documents as gone.
    @Test func seesAResetsDeletions() async throws {
        try await Scratch.withFolder { folder in
            let first = try await folder.openDirectory()
            let second = try await folder.openDirectory()
            try await first.store.write { session in try await DocumentTransaction(session: session, accountId: Self.account).put(Self.ana, .user, "ana") }
            try await second.refresh()
            #expect(second.iam(Self.account).user("ana") != nil)
            try await first.store.erase()
            let members = try await second.store.write { session in
                try await second.iamWriteView(DocumentTransaction(session: session, accountId: Self.account)).members(ofGroup: "devs")
            }
            #expect(members.isEmpty)
            try await second.refresh()
            #expect(second.iam(Self.account).user("ana") == nil)
        }
    }

    /// A user in the group Devs.
    static let ana = IAMUser(
        name: "ana", id: "AIDAANA", path: "/", arn: "arn:aws:iam::111122223333:user/ana", created: Date(timeIntervalSince1970: 1_700_000_000),
        groups: ["Devs"])

    /// Writes or deletes a random handful of users, groups, roles and MFA devices.
    static func change(_ tx: DocumentTransaction, _ random: inout Generator) async throws {
        func some<T>(_ items: [T]) -> [T] { items.filter { _ in Bool.random(using: &random) } }
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        for _ in 0..<10 {
            let index = Int.random(in: 0..<12, using: &random)
            let name = "user\(index)"
            switch Int.random(in: 0..<6, using: &random) {
            case 0: try await tx.delete(.user, name)
            case 4: try await tx.delete(.mfaDevice, "device\(index)")
            case 5:
                try await tx.delete(.group, groups[index % groups.count])
                try await tx.delete(.role, "role\(index)")
            case 1:
                let device = VirtualMFADevice(
                    serialNumber: "arn:aws:iam::\(account):mfa/device\(index)", name: "device\(index)", path: "/", sealedSeed: "",
                    userName: Bool.random(using: &random) ? nil : "USER\(Int.random(in: 0..<12, using: &random))", enabled: nil)
                try await tx.put(device, .mfaDevice, device.name)
            case 2:
                let group = groups[index % groups.count]
                let value = IAMGroup(
                    name: group, id: "AGPA\(group)", path: "/", arn: "arn:aws:iam::\(account):group/\(group)", created: created,
                    attachedPolicies: some(policies))
                try await tx.put(value, .group, group)
                let role = IAMRole(
                    name: "role\(index)", id: "AROA\(index)", path: "/", arn: "arn:aws:iam::\(account):role/role\(index)", created: created,
                    trustPolicy: "{}", description: nil, maxSessionDuration: 3600, attachedPolicies: some(policies))
                try await tx.put(role, .role, role.name)
            default:
                let user = IAMUser(
                    name: name, id: "AIDA\(index)", path: "/", arn: "arn:aws:iam::\(account):user/\(name)", created: created,
                    groups: some(groups).map { Bool.random(using: &random) ? $0.lowercased() : $0 }, attachedPolicies: some(policies))
                try await tx.put(user, .user, name)
            }
        }
    }
}

/// `IdentityCenterWriteView`: a user's or group's memberships, a principal's assignments, whether a permission set is
/// still assigned in an account (see ``IAMWriteViewTests``).
struct IdentityCenterWriteViewTests {
    static let account = "111122223333"
    static let principals = (0..<6).map { "p-\($0)" }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func agreesWithReadingEveryDocument(seed: UInt64) async throws {
        try await IAMWriteViewTests.inThreeRounds(seed: seed, account: Self.account, change: Self.change) { directory, tx in
            let view = try await directory.identityCenterWriteView(tx)
            let memberships = try await tx.all(IdentityStoreMembership.self, kind: IdentityCenterDocumentKind.membership.rawValue)
            let assignments = try await tx.all(AccountAssignment.self, kind: IdentityCenterDocumentKind.assignment.rawValue)
            for id in Self.principals {
                #expect(try await view.memberships(ofUser: id.uppercased()).map(\.id) == memberships.filter { $0.userId == id }.map(\.id))
                #expect(try await view.memberships(ofGroup: id).map(\.id) == memberships.filter { $0.groupId == id }.map(\.id))
                #expect(try await view.assignments(of: id.uppercased()).map(\.key) == assignments.filter { $0.principalId == id }.map(\.key))
            }
            let created = Date(timeIntervalSince1970: 1_700_000_000)
            let asked = [("ps-0", "000000000001"), ("ps-1", "000000000002"), ("ps-0", "000000000002"), ("ps-2", "000000000001")].map {
                AccountAssignment(permissionSetId: $0.0, accountId: $0.1, principalType: "USER", principalId: "p-9", created: created)
            }
            let placed = Set(asked.map(\.placement).filter { placement in assignments.contains { $0.placement == placement } })
            #expect(try await view.placements(of: asked) == placed)
            for permissionSet in ["ps-0", "ps-1", "ps-2"] {
                #expect(try await view.assigns(permissionSet: permissionSet) == assignments.contains { $0.permissionSetId == permissionSet })
                for account in ["000000000001", "000000000002"] {
                    let expected = assignments.contains { $0.permissionSetId == permissionSet && $0.accountId == account }
                    #expect(try await view.assigns(permissionSet: permissionSet, in: account) == expected)
                }
            }
        }
    }

    /// Writes or deletes a random handful of memberships and assignments.
    static func change(_ tx: DocumentTransaction, _ random: inout IAMWriteViewTests.Generator) async throws {
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        for _ in 0..<10 {
            let index = Int.random(in: 0..<10, using: &random)
            let principal = principals.randomElement(using: &random)!
            let other = principals.randomElement(using: &random)!
            let assignment = AccountAssignment(
                permissionSetId: "ps-\(index % 2)", accountId: "00000000000\(1 + index % 2)", principalType: "USER", principalId: principal, created: created)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: try await tx.delete(kind: IdentityCenterDocumentKind.membership.rawValue, "m-\(index)")
            case 1: try await tx.delete(kind: IdentityCenterDocumentKind.assignment.rawValue, assignment.key)
            case 2: try await tx.put(assignment, kind: IdentityCenterDocumentKind.assignment.rawValue, assignment.key)
            default:
                let membership = IdentityStoreMembership(id: "m-\(index)", groupId: other, userId: principal, created: created, createdBy: "test")
                try await tx.put(membership, kind: IdentityCenterDocumentKind.membership.rawValue, membership.id)
            }
        }
    }
}
