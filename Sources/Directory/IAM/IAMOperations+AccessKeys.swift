import AWSWire
import Foundation
import Storage

extension IAMOperations {
    var accessKeyEntries: [Entry] {
        [
            Entry(name: "CreateAccessKey", readOnly: false, handler: { try await createAccessKey($0) }),
            Entry(name: "UpdateAccessKey", readOnly: false, handler: Self.updateAccessKey),
            Entry(name: "DeleteAccessKey", readOnly: false, handler: Self.deleteAccessKey),
            Entry(name: "ListAccessKeys", readOnly: true, handler: { try await listAccessKeys($0) }),
            Entry(name: "GetAccessKeyLastUsed", readOnly: true, handler: { try await getAccessKeyLastUsed($0) }),
        ]
    }

    /// Whose keys a call means: the named user, else the caller (an IAM user, or root for its own keys).
    static func keyOwner(_ call: OperationCall) throws -> String? {
        if let name = string(call, "UserName") { return name }
        let principal = try call.requireCaller().principal
        return principal.kind == .root ? nil : try callerUserName(principal)
    }

    func createAccessKey(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let owner = try Self.keyOwner(call)
        var user: IAMUser?
        if let owner { user = try await Self.existingUser(owner, tx) }
        let keys = try await tx.session.accessKeys(accountId: tx.accountId, userName: user?.name)
        guard keys.count < 2 else { throw Self.limitExceeded("Cannot exceed quota for AccessKeysPerUser: 2") }
        let id = Identifiers.prefixed("AKIA")
        let secret = Identifiers.secret()
        try await tx.session.insert(
            AccessKeyRecord(
                id: id, accountId: tx.accountId, userName: user?.name, secretSealed: try directory.instanceKey.seal(secret, context: id),
                status: "Active", createdAt: call.time.timeIntervalSince1970, expiresAt: nil))
        var key: [String: AWSValue] = [
            "AccessKeyId": .string(id), "SecretAccessKey": .string(secret), "Status": "Active", "CreateDate": .timestamp(call.time),
        ]
        key["UserName"] = .string(user?.name ?? tx.accountId)
        return ["AccessKey": .object(key)]
    }

    /// The key named in the call, if it belongs to the user (or root) the call means.
    static func ownedKey(_ call: OperationCall, _ tx: DocumentTransaction) async throws -> AccessKeyRecord {
        let owner = try keyOwner(call)
        if let owner { _ = try await existingUser(owner, tx) }
        let id = try required(call, "AccessKeyId")
        guard let key = try await tx.session.accessKey(id: id), key.accountId == tx.accountId, key.expiresAt == nil,
            key.userName?.lowercased() == owner?.lowercased()
        else {
            throw noSuchEntity("The Access Key with id \(id) cannot be found.")
        }
        return key
    }

    static func updateAccessKey(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let key = try await ownedKey(call, tx)
        try await tx.session.updateAccessKey(id: key.id, status: try required(call, "Status"))
        return .empty
    }

    static func deleteAccessKey(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let key = try await ownedKey(call, tx)
        try await tx.session.deleteAccessKey(id: key.id)
        return .empty
    }

    func listAccessKeys(_ call: OperationCall) async throws -> AWSValue {
        let accountId = try Self.account(call)
        let owner = try Self.keyOwner(call)
        if let owner { _ = try Self.snapshotUser(owner, directory.iam(accountId)) }
        let keys = try await directory.store.read { try await $0.accessKeys(accountId: accountId, userName: owner) }
        let metadata: [AWSValue] = keys.map { key in
            [
                "UserName": .string(key.userName ?? accountId), "AccessKeyId": .string(key.id), "Status": .string(key.status),
                "CreateDate": .timestamp(Date(timeIntervalSince1970: key.createdAt)),
            ]
        }
        return Self.listOutput("AccessKeyMetadata", metadata, marker: nil)
    }

    func getAccessKeyLastUsed(_ call: OperationCall) async throws -> AWSValue {
        let accountId = try Self.account(call)
        let id = try Self.required(call, "AccessKeyId")
        guard let credential = directory.credential(accessKeyId: id), credential.accountId == accountId, credential.expiresAt == nil else {
            throw Self.noSuchEntity("The Access Key with id \(id) cannot be found.")
        }
        var lastUsed: [String: AWSValue] = ["ServiceName": "N/A", "Region": "N/A"]
        if let use = try await directory.lastUse(of: id) {
            lastUsed = ["LastUsedDate": .timestamp(Date(timeIntervalSince1970: use.at)), "ServiceName": .string(use.service), "Region": .string(use.region)]
        }
        return ["UserName": .string(credential.userName ?? accountId), "AccessKeyLastUsed": .object(lastUsed)]
    }
}
