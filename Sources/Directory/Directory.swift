import Foundation
import Logging
import Storage
import Synchronization

/// The domain: accounts and their credentials, and the audit trail, over the store;
/// with the in-memory snapshot the request path reads.
///
/// ```swift
/// let directory = try await Directory.open(dataDirectory: ".gatehouse", logger: logger)
/// let created = try await directory.createAccount(name: "Prod", email: "ops@example.com", rootAccessKey: true)
/// ```
public final class Directory: Sendable {
    public let store: Store
    public let auditTrail: AuditTrail
    let instanceKey: InstanceKey
    let passwords: PasswordHasher
    let logger: Logger
    private let state = Mutex(DirectorySnapshot())
    /// Key uses noted since the last flush, and those already flushed (see `Directory+KeyUsage`).
    let keyUses = Mutex<[String: KeyUse]>([:])
    let flushedKeyUses = Mutex<[String: KeyUse]>([:])
    /// Failed sign-ins per identity (portal user, console root or IAM user): five in 15 minutes lock it out for the rest of the window.
    let signInThrottle = SignInThrottle(limit: 5)
    /// The newest deferred write, which runs after those before it (see `Directory+SignInLockouts`).
    let deferredWrites = Mutex<Task<Void, Never>?>(nil)
    private let sharedRefresh = SharedRefresh()

    init(store: Store, instanceKey: InstanceKey, signingKey: AuditSigningKey, passwords: PasswordHasher, logger: Logger) {
        self.store = store
        self.instanceKey = instanceKey
        self.passwords = passwords
        self.logger = logger
        self.auditTrail = AuditTrail(store: store, signingKey: signingKey, logger: logger)
    }

    /// Opens the data folder (creating it, mode 0700, with its instance key, audit signing key and database),
    /// or a private in-memory directory when `dataDirectory` is `nil`, and loads the snapshot.
    public static func open(dataDirectory: String?, bcryptCost: UInt8 = 12, logger: Logger) async throws -> Directory {
        let passwords = try PasswordHasher(cost: bcryptCost)
        let directory: Directory
        if let dataDirectory {
            // Everything Gatehouse writes in the data folder is for its own user only.
            umask(0o077)
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try keepPrivate(dataDirectory, logger: logger)
            let key = try InstanceKey.loadOrCreate(in: dataDirectory)
            let signingKey = try AuditSigningKey.loadOrCreate(in: dataDirectory)
            let store = try await Store.open(path: dataDirectory + "/gatehouse.sqlite", logger: logger)
            directory = Directory(store: store, instanceKey: key, signingKey: signingKey, passwords: passwords, logger: logger)
        } else {
            let store = try await Store.open(path: nil, logger: logger)
            directory = Directory(store: store, instanceKey: .ephemeral(), signingKey: .ephemeral(), passwords: passwords, logger: logger)
        }
        do {
            try await directory.reload()
            try await directory.keepSignInLockouts()
        } catch {
            try? await directory.store.close()
            throw error
        }
        return directory
    }

    /// Makes a data folder that others can read or enter (one made before Gatehouse, say with mode 0755) its owner's
    /// alone, and says so; a folder whose mode cannot be changed is refused.
    static func keepPrivate(_ folder: String, logger: Logger) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: folder)
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        guard mode & 0o077 != 0 else { return }
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
        } catch {
            throw DirectoryError.invalidInput("the data folder \(folder) is open to other users (mode \(String(mode, radix: 8))) and its mode cannot be changed to 0700")
        }
        logger.warning("the data folder was open to other users: its mode is now 0700", metadata: ["folder": "\(folder)", "was": "\(String(mode, radix: 8))"])
    }

    /// Flushes the audit trail and key usage, and closes the store.
    public func close() async throws {
        // Whatever fails to flush, the store is closed.
        let flushed = await Task {
            await finishDeferredWrites()
            try await auditTrail.flush()
            try await auditTrail.checkpoint()
            try await flushKeyUsage()
        }.result
        try await store.close()
        try flushed.get()
    }

    // MARK: The request path (memory only)

    /// The snapshot as it is now.
    public var snapshot: DirectorySnapshot { state.withLock { $0 } }

    /// The credential with this access key id.
    public func credential(accessKeyId: String) -> Credential? {
        state.withLock { $0.credentials[accessKeyId] }
    }

    /// The account with this ID.
    public func account(id: String) -> Account? {
        state.withLock { $0.accounts[id] }
    }

    /// An account's IAM entities.
    public func iam(_ accountId: String) -> AccountIAM {
        state.withLock { $0.iam[accountId] } ?? AccountIAM()
    }

    /// Part of the snapshot, read under its lock (so that its parts agree).
    func snapshotPart<T>(_ part: (DirectorySnapshot) -> T) -> T {
        state.withLock { part($0) }
    }

    /// Who a credential speaks for: the root user, an IAM user or a role session whose role still exists.
    public func principal(for credential: Credential) -> Principal? {
        if let session = credential.roleSession {
            return state.withLock { $0.iam[credential.accountId]?.roles[session.roleName.lowercased()] }
                .map { .assumedRole($0, session: session, of: credential.accountId) }
        }
        guard let userName = credential.userName else { return .root(of: credential.accountId) }
        return state.withLock { $0.iam[credential.accountId]?.user(userName) }.map { .user($0, of: credential.accountId) }
    }

    // MARK: Following the change feed

    /// Rebuilds the snapshot from the store. Documents are decoded on every core first; they are applied in order, on one.
    func reload() async throws {
        let (revision, accounts, keys, documents) = try await store.read { session in
            (try await session.latestRevision(), try await session.accounts(), try await session.accessKeys(),
             try await session.allDocuments(skippingKindsStartingWith: IdentityStoreClaimKind.namePrefix))
        }
        var snapshot = DirectorySnapshot(revision: revision)
        for account in accounts { snapshot.accounts[account.id] = Self.account(account) }
        for key in keys { snapshot.credentials[key.id] = try credential(key) }
        let decoded = try await Self.decodeAhead(documents)
        precondition(decoded.count == documents.count, "a document decoded ahead was lost")
        for (document, value) in zip(documents, decoded) {
            try snapshot.apply(accountId: document.accountId, kind: document.kind, key: document.key, body: document.body, kept: value)
        }
        state.withLock { $0 = snapshot }
    }

    /// The values of the documents ``DirectorySnapshot/decodedAhead(kind:body:)`` decodes, in the documents' order,
    /// decoded in as many parts as there are cores (a start with 100,000 users spends most of its time here).
    static func decodeAhead(_ documents: [DocumentRecord]) async throws -> [(any Sendable)?] {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, documents.count / 1_000))
        let size = (documents.count + parts - 1) / parts
        return try await withThrowingTaskGroup(of: (Int, [(any Sendable)?]).self) { group in
            for part in 0..<parts {
                let range = min(documents.count, part * size)..<min(documents.count, (part + 1) * size)
                group.addTask { (part, try documents[range].map { try DirectorySnapshot.decodedAhead(kind: $0.kind, body: $0.body) }) }
            }
            var results = [[(any Sendable)?]](repeating: [], count: parts)
            for try await (part, values) in group { results[part] = values }
            return results.flatMap { $0 }
        }
    }

    /// Brings the snapshot up to date with everything committed before this call, sharing the work
    /// with concurrent callers (the request path after a write: read your writes).
    public func catchUp() async throws {
        try await sharedRefresh.run { [self] in try await refresh() }
    }

    /// Applies the changes committed since the snapshot's revision (by this process or another).
    public func refresh() async throws {
        let since = state.withLock { $0.revision }
        // Lists of (id, current value or nil when deleted): a dictionary of optionals would drop the deletions.
        let (changes, accounts, keys, documents) = try await store.read { session in
            let changes = try await session.changes(after: since)
            var accounts: [(id: String, record: AccountRecord?)] = []
            var keys: [(id: String, record: AccessKeyRecord?)] = []
            var documents: [(accountId: String, kind: String, key: String, body: String?, kept: (any Sendable)?)] = []
            var seen: Set<String> = []
            for change in changes.reversed() where seen.insert(change.entity + "|" + change.entityId).inserted {
                switch change.entity {
                case "account": accounts.append((change.entityId, try await session.account(id: change.entityId)))
                case "access_key": keys.append((change.entityId, try await session.accessKey(id: change.entityId)))
                case "document":
                    guard let named = DocumentRecord.parts(ofChangeId: change.entityId) else { continue }
                    let body = try await session.document(accountId: named.accountId, kind: named.kind, key: named.key)?.body
                    // A document this process wrote comes with its value: nothing to decode under the lock.
                    let kept = session.written.take(change.entityId, text: body)
                    documents.append((named.accountId, named.kind, named.key, body, kept))
                default: break
                }
            }
            return (changes, accounts, keys, documents)
        }
        guard let last = changes.last?.revision else { return }
        var credentials: [(id: String, credential: Credential?)] = []
        for (id, record) in keys {
            if let record { credentials.append((id, try credential(record))) } else { credentials.append((id, nil)) }
        }
        state.withLock { snapshot in
            guard snapshot.revision < last else { return }
            for (id, record) in accounts { snapshot.accounts[id] = record.map(Self.account) }
            for (id, credential) in credentials { snapshot.credentials[id] = credential }
            for document in documents {
                let id = DocumentRecord.changeId(accountId: document.accountId, kind: document.kind, key: document.key)
                do {
                    try snapshot.apply(accountId: document.accountId, kind: document.kind, key: document.key, body: document.body, kept: document.kept)
                    snapshot.unreadable.remove(id)
                } catch {
                    snapshot.unreadable.insert(id)
                    logger.error("unreadable document", metadata: ["document": "\(id)"])
                }
            }
            snapshot.revision = last
        }
    }

    /// Refreshes every `interval` until cancelled, so writes by other processes show within it.
    public func follow(every interval: Duration = .milliseconds(200)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            do {
                try await refresh()
                try await flushKeyUsage()
            } catch is CancellationError {
                break
            } catch {
                logger.error("snapshot refresh failed", metadata: ["error": "\(error)"])
            }
        }
    }

    static func account(_ record: AccountRecord) -> Account {
        Account(id: record.id, name: record.name, email: record.email, created: Date(timeIntervalSince1970: record.createdAt))
    }

    func credential(_ record: AccessKeyRecord) throws -> Credential {
        Credential(
            accessKeyId: record.id,
            secret: try instanceKey.unseal(record.secretSealed, context: record.id),
            accountId: record.accountId,
            userName: record.userName,
            active: record.status == "Active",
            created: record.createdAt,
            expiresAt: record.expiresAt,
            sessionTokenHash: record.sessionTokenHash,
            mfaAt: record.mfaAt,
            roleSession: try record.roleSession.map { try DocumentCoding.decode(RoleSession.self, $0) }
        )
    }
}
