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

    init(store: Store, instanceKey: InstanceKey, passwords: PasswordHasher, logger: Logger) {
        self.store = store
        self.instanceKey = instanceKey
        self.passwords = passwords
        self.logger = logger
        self.auditTrail = AuditTrail(store: store, logger: logger)
    }

    /// Opens the data folder (creating it, mode 0700, with its instance key and database),
    /// or a private in-memory directory when `dataDirectory` is `nil`, and loads the snapshot.
    public static func open(dataDirectory: String?, bcryptCost: UInt8 = 12, logger: Logger) async throws -> Directory {
        let passwords = try PasswordHasher(cost: bcryptCost)
        let directory: Directory
        if let dataDirectory {
            // Everything Gatehouse writes in the data folder is for its own user only.
            umask(0o077)
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let key = try InstanceKey.loadOrCreate(in: dataDirectory)
            let store = try await Store.open(path: dataDirectory + "/gatehouse.sqlite", logger: logger)
            directory = Directory(store: store, instanceKey: key, passwords: passwords, logger: logger)
        } else {
            let store = try await Store.open(path: nil, logger: logger)
            directory = Directory(store: store, instanceKey: .ephemeral(), passwords: passwords, logger: logger)
        }
        do {
            try await directory.reload()
        } catch {
            try? await directory.store.close()
            throw error
        }
        return directory
    }

    /// Flushes the audit trail and closes the store.
    public func close() async throws {
        try await auditTrail.flush()
        try await store.close()
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

    // MARK: Following the change feed

    /// Rebuilds the snapshot from the store.
    func reload() async throws {
        let (revision, accounts, keys) = try await store.read { session in
            (try await session.latestRevision(), try await session.accounts(), try await session.accessKeys())
        }
        var snapshot = DirectorySnapshot(revision: revision)
        for account in accounts { snapshot.accounts[account.id] = Self.account(account) }
        for key in keys { snapshot.credentials[key.id] = try credential(key) }
        state.withLock { $0 = snapshot }
    }

    /// Applies the changes committed since the snapshot's revision (by this process or another).
    public func refresh() async throws {
        let since = state.withLock { $0.revision }
        let (changes, accounts, keys) = try await store.read { session in
            let changes = try await session.changes(after: since)
            var accounts: [String: AccountRecord?] = [:]
            var keys: [String: AccessKeyRecord?] = [:]
            for change in changes {
                switch change.entity {
                case "account": accounts[change.entityId] = try await session.account(id: change.entityId)
                case "access_key": keys[change.entityId] = try await session.accessKey(id: change.entityId)
                default: break
                }
            }
            return (changes, accounts, keys)
        }
        guard let last = changes.last?.revision else { return }
        var credentials: [String: Credential?] = [:]
        for (id, record) in keys { credentials[id] = try record.map(credential) }
        state.withLock { snapshot in
            guard snapshot.revision < last else { return }
            for (id, record) in accounts { snapshot.accounts[id] = record.map(Self.account) }
            for (id, credential) in credentials { snapshot.credentials[id] = credential }
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
            } catch is CancellationError {
                break
            } catch {
                logger.error("snapshot refresh failed", metadata: ["error": "\(error)"])
            }
        }
    }

    static func account(_ record: AccountRecord) -> Account {
        Account(id: record.id, name: record.name, email: record.email)
    }

    func credential(_ record: AccessKeyRecord) throws -> Credential {
        Credential(
            accessKeyId: record.id,
            secret: try instanceKey.unseal(record.secretSealed, context: record.id),
            principal: .root(of: record.accountId),
            active: record.status == "Active",
            expiresAt: record.expiresAt,
            sessionTokenHash: record.sessionTokenHash
        )
    }
}
