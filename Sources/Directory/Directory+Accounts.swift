import AWSWire
import Foundation
import Storage

/// What `createAccount` hands back once: the account and, if asked for, the root user's access key.
public struct CreatedAccount: Sendable {
    public var accountId: String
    public var accessKeyId: String?
    /// Shown this once; stored only sealed.
    public var secretAccessKey: String?
}

extension Directory {
    /// Creates an account and its root user; durable when it returns.
    ///
    /// - Parameters:
    ///   - password: the root user's console password, checked against AWS's root password rules.
    ///   - rootAccessKey: also give the root user an access key (as older AWS accounts had).
    /// - Throws: ``DirectoryError`` for a bad name, email or password, or an email already in use.
    public func createAccount(
        name: String, email: String, password: String? = nil, rootAccessKey: Bool = false, sourceIPAddress: String = "127.0.0.1"
    ) async throws -> CreatedAccount {
        try Self.validate(name: name, email: email)
        if let password { try Self.validateRootPassword(password) }
        let passwordHash: String? = if let password { await passwords.hash(password) } else { nil }
        return try await createAccount(
            name: name, email: email, passwordHash: passwordHash, rootAccessKey: rootAccessKey, sourceIPAddress: sourceIPAddress,
            userAgent: "gatehouse account create")
    }

    /// Creates an account whose root password was checked and hashed before (a verified sign-up).
    func createAccount(
        name: String, email: String, passwordHash: String?, rootAccessKey: Bool, sourceIPAddress: String, userAgent: String
    ) async throws -> CreatedAccount {
        let key: (id: String, secret: String)? = rootAccessKey ? (Identifiers.prefixed("AKIA"), Identifiers.secret()) : nil
        let now = Date()
        while true {
            let id = Identifiers.accountId()
            do {
                try await store.write { session in
                    if try await session.account(email: email) != nil {
                        throw DirectoryError.alreadyExists("An account with the email \(email) already exists.")
                    }
                    guard try await session.account(id: id) == nil else { throw AccountIdTaken() }
                    try await session.insert(
                        AccountRecord(id: id, name: name, email: email, rootPasswordHash: passwordHash, createdAt: now.timeIntervalSince1970))
                    if let key {
                        try await session.insert(
                            AccessKeyRecord(
                                id: key.id, accountId: id, userName: nil, secretSealed: try instanceKey.seal(key.secret, context: key.id),
                                status: "Active", createdAt: now.timeIntervalSince1970, expiresAt: nil))
                    }
                    let event = AuditEvent(
                        eventTime: now, eventSource: "gatehouse", eventName: "CreateAccount", awsRegion: "us-east-1",
                        sourceIPAddress: sourceIPAddress, userAgent: userAgent, identity: nil,
                        requestParameters: ["accountName": .string(name), "email": .string(email), "rootAccessKey": .boolean(rootAccessKey)],
                        responseElements: ["accountId": .string(id), "accessKeyId": key.map { .string($0.id) } ?? .string("")],
                        requestId: Identifiers.uuid(), readOnly: false, recipientAccountId: id,
                        resources: [AuditResource(type: "AWS::Organizations::Account", name: id)])
                    try await auditTrail.append([event], in: session)
                }
            } catch is AccountIdTaken {
                continue
            }
            try await refresh()
            return CreatedAccount(accountId: id, accessKeyId: key?.id, secretAccessKey: key?.secret)
        }
    }

    /// Makes the `--dev` account (`id`, root key `test`/`test`) unless it exists.
    ///
    /// - Returns: whether it was made now.
    /// - Throws: ``DirectoryError`` when the data folder's development account has another ID.
    @discardableResult
    public func ensureDevAccount(id: String = DevAccount.id) async throws -> Bool {
        let created = try await store.write { session -> Bool in
            if let key = try await session.accessKey(id: DevAccount.accessKeyId), key.accountId != id {
                throw DirectoryError.invalidInput(
                    "This data folder's development account is \(key.accountId); use --dev-account-id \(key.accountId) or a new data folder.")
            }
            if try await session.account(id: id) != nil { return false }
            let now = Date().timeIntervalSince1970
            try await session.insert(AccountRecord(id: id, name: DevAccount.name, email: DevAccount.email, rootPasswordHash: nil, createdAt: now))
            try await session.insert(
                AccessKeyRecord(
                    id: DevAccount.accessKeyId, accountId: id, userName: nil,
                    secretSealed: try instanceKey.seal(DevAccount.secret, context: DevAccount.accessKeyId), status: "Active",
                    createdAt: now, expiresAt: nil))
            return true
        }
        try await refresh()
        return created
    }

    static func validate(name: String, email: String) throws {
        guard (1...50).contains(name.count), !name.contains(where: \.isNewline) else {
            throw DirectoryError.invalidInput("The account name must be 1 to 50 characters.")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 64, email.count >= 6, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !email.contains(where: { $0.isWhitespace })
        else {
            throw DirectoryError.invalidInput("'\(email)' is not a valid email address.")
        }
    }

    /// AWS's root password rules: 8 to 128 characters, at least three of upper case, lower case, digits and symbols.
    static func validateRootPassword(_ password: String) throws {
        let classes = [
            password.contains(where: \.isUppercase), password.contains(where: \.isLowercase), password.contains(where: \.isNumber),
            password.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace }),
        ].filter { $0 }.count
        guard (8...128).contains(password.count), classes >= 3, !password.contains("\0") else {
            throw DirectoryError.invalidInput(
                "The password must be 8 to 128 characters and contain at least three of: upper case letters, lower case letters, numbers, symbols.")
        }
    }
}

/// A generated account ID collided with an existing one; draw again.
private struct AccountIdTaken: Error {}
