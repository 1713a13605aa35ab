/// An account row: the account and its root user's sign-in secret.
public struct AccountRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String
    /// bcrypt hash of the root user's password; `nil` when the root user has none.
    public var rootPasswordHash: String?
    /// Seconds since 1970.
    public var createdAt: Double

    public init(id: String, name: String, email: String, rootPasswordHash: String?, createdAt: Double) {
        self.id = id
        self.name = name
        self.email = email
        self.rootPasswordHash = rootPasswordHash
        self.createdAt = createdAt
    }
}

/// An access key row. The secret is sealed (AES-GCM) under the instance key, never stored in clear.
public struct AccessKeyRecord: Sendable, Equatable {
    public var id: String
    public var accountId: String
    /// The IAM user the key belongs to; `nil` for the account's root user.
    public var userName: String?
    public var secretSealed: [UInt8]
    /// `Active` or `Inactive`.
    public var status: String
    public var createdAt: Double
    /// For temporary credentials: when they stop working (seconds since 1970).
    public var expiresAt: Double?
    /// For temporary credentials: SHA-256 of the session token the caller must present.
    public var sessionTokenHash: [UInt8]?
    /// When, for which service and in which region the key last signed a request.
    public var lastUsed: KeyUse?
    /// For temporary credentials made with an MFA code: when it was checked (seconds since 1970).
    public var mfaAt: Double?
    /// For role sessions: the session's role, name, policies and tags (JSON, written by the directory).
    public var roleSession: String?

    public init(
        id: String, accountId: String, userName: String?, secretSealed: [UInt8], status: String, createdAt: Double, expiresAt: Double?,
        sessionTokenHash: [UInt8]? = nil, lastUsed: KeyUse? = nil, mfaAt: Double? = nil, roleSession: String? = nil
    ) {
        self.id = id
        self.accountId = accountId
        self.userName = userName
        self.secretSealed = secretSealed
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.sessionTokenHash = sessionTokenHash
        self.lastUsed = lastUsed
        self.mfaAt = mfaAt
        self.roleSession = roleSession
    }
}

/// The last use of an access key (`GetAccessKeyLastUsed`).
public struct KeyUse: Sendable, Equatable {
    /// Seconds since 1970.
    public var at: Double
    public var service: String
    public var region: String

    public init(at: Double, service: String, region: String) {
        self.at = at
        self.service = service
        self.region = region
    }
}

/// One audit trail event as stored: the CloudTrail record plus the columns lookups filter on.
public struct AuditEventRecord: Sendable, Equatable {
    public var seq: Int64
    public var eventId: String
    public var eventTime: Double
    public var accountId: String
    public var eventName: String
    public var eventSource: String
    public var username: String?
    public var accessKeyId: String?
    public var readOnly: Bool
    public var resources: [AuditResource]
    /// The CloudTrail record, as JSON text.
    public var record: String
    /// The hash of the event before this one (chain order), hex.
    public var previousHash: String
    /// SHA-256 over `previousHash` and `record`, hex.
    public var hash: String

    public init(
        seq: Int64 = 0, eventId: String, eventTime: Double, accountId: String, eventName: String, eventSource: String,
        username: String?, accessKeyId: String?, readOnly: Bool, resources: [AuditResource], record: String,
        previousHash: String, hash: String
    ) {
        self.seq = seq
        self.eventId = eventId
        self.eventTime = eventTime
        self.accountId = accountId
        self.eventName = eventName
        self.eventSource = eventSource
        self.username = username
        self.accessKeyId = accessKeyId
        self.readOnly = readOnly
        self.resources = resources
        self.record = record
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// A resource an audit event names (`ResourceType`, `ResourceName`).
public struct AuditResource: Sendable, Equatable {
    public var type: String
    public var name: String

    public init(type: String, name: String) {
        self.type = type
        self.name = name
    }
}

/// One entry of the change feed: which entity a committed write touched.
public struct ChangeRecord: Sendable, Equatable {
    public var revision: Int64
    /// `account`, `access_key`, ...
    public var entity: String
    public var entityId: String
}
