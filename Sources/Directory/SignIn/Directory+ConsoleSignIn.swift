import AWSWire
import Foundation
import Storage
import WebAuthn

/// Someone who passed the console's password step, and what the sign-in still asks of them.
public struct ConsoleSignIn: Sendable {
    public var principal: Principal
    /// Serial numbers of the identity's authenticator apps.
    public var mfaSerialNumbers: [String]
    /// The identity's security keys.
    public var securityKeys: [WebAuthnCredential] = []
    /// Whether the MFA step is needed: the identity has a device of either kind.
    public var needsMFA: Bool { !mfaSerialNumbers.isEmpty || !securityKeys.isEmpty }
    /// The login profile asks for a new password (set by an administrator, or expired) before anything else.
    public var passwordResetRequired: Bool
    /// Where the attempt came from, for the audit trail.
    public var source: SignInSource
}

/// Where a sign-in attempt came from.
public struct SignInSource: Sendable {
    public var sourceIPAddress: String
    public var userAgent: String

    public init(sourceIPAddress: String, userAgent: String) {
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
    }
}

extension Directory {
    /// The console's password step for the root user: the account's email and root password.
    /// A wrong password counts against the email's sign-in throttle and is a failed `ConsoleLogin` in the account's trail.
    public func consoleSignIn(rootEmail email: String, password: String, source: SignInSource, now: Date = Date()) async throws -> ConsoleSignIn {
        let record = try await store.read { session in try await session.account(email: email) }
        // Counted per account once the email names one, so the password and MFA steps share one budget.
        let key = Self.consoleThrottleKey(accountId: record?.id ?? email.lowercased(), userName: nil)
        let principal = record.map { Principal.root(of: $0.id) }
        try admitConsoleSignIn(key, principal: principal, source: source, now: now)
        let verified = await passwords.verify(password, hash: record?.rootPasswordHash)
        guard let record, let principal, verified else {
            signInThrottle.failed(key, now: now)
            if let principal { recordConsoleLogin(principal, source: source, mfaUsed: false, failure: "Failed authentication", now: now) }
            throw DirectoryError.invalidInput("Your authentication information is incorrect. Please try again.")
        }
        if let stored = record.rootPasswordHash, passwords.needsRehash(stored) {
            let rehashed = await passwords.hash(password)
            try await store.write { session in try await session.replaceRootPasswordHash(stored, with: rehashed, accountId: record.id) }
            try await refresh()
        }
        // The password step is done; an MFA step takes a place of its own.
        signInThrottle.release(key)
        return ConsoleSignIn(
            principal: principal, mfaSerialNumbers: activeMFADevices(of: VirtualMFADevice.rootOwner, in: record.id),
            securityKeys: securityKeys(of: VirtualMFADevice.rootOwner, in: record.id),
            passwordResetRequired: false, source: source)
    }

    /// The console's password step for an IAM user: the account (ID or alias), user name and console password.
    public func consoleSignIn(
        account: String, userName: String, password: String, source: SignInSource, now: Date = Date()
    ) async throws -> ConsoleSignIn {
        let snapshot = snapshot
        let accountId =
            snapshot.accounts[account] != nil
            ? account : snapshot.iam.first(where: { $0.value.settings.alias == account.lowercased() })?.key
        let key = Self.consoleThrottleKey(accountId: accountId ?? account, userName: userName)
        let iam = accountId.map { self.iam($0) }
        let user = iam?.user(userName)
        let principal = user.map { Principal.user($0, of: accountId ?? "") } ?? accountId.map(Principal.unknownIAMUser(of:))
        try admitConsoleSignIn(key, principal: principal, source: source, now: now)
        let profile = user.flatMap { iam?.loginProfiles[$0.name.lowercased()] }
        let verified = await passwords.verify(password, hash: profile?.passwordHash)
        guard let accountId, let iam, let user, let profile, verified else {
            signInThrottle.failed(key, now: now)
            if let principal { recordConsoleLogin(principal, source: source, mfaUsed: false, failure: "Failed authentication", now: now) }
            throw DirectoryError.invalidInput("Your authentication information is incorrect. Please try again.")
        }
        if passwords.needsRehash(profile.passwordHash) {
            let rehashed = await passwords.hash(password)
            try await store.write { session in
                let tx = DocumentTransaction(session: session, accountId: accountId)
                guard var stored = try await tx.get(LoginProfile.self, .loginProfile, user.name), stored.passwordHash == profile.passwordHash else { return }
                stored.passwordHash = rehashed
                try await tx.put(stored, .loginProfile, user.name)
            }
            try await refresh()
        }
        var resetRequired = profile.passwordResetRequired
        if let policy = iam.passwordPolicy, let days = policy.maxPasswordAge, days > 0,
            now.timeIntervalSince(profile.passwordChanged) > Double(days) * 86_400
        {
            guard !policy.hardExpiry else {
                recordConsoleLogin(.user(user, of: accountId), source: source, mfaUsed: false, failure: "Password expired", now: now)
                throw DirectoryError.invalidInput("Your password has expired. Ask your administrator to reset it.")
            }
            resetRequired = true
        }
        // The password step is done; an MFA step takes a place of its own.
        signInThrottle.release(key)
        return ConsoleSignIn(
            principal: .user(user, of: accountId), mfaSerialNumbers: activeMFADevices(of: user.name, in: accountId),
            securityKeys: securityKeys(of: user.name, in: accountId), passwordResetRequired: resetRequired, source: source)
    }

    /// Finishes a console sign-in: checks the MFA code or the security key's answer when the identity has a device
    /// (a code is accepted once, a key's counter must move on), notes the password's use, and records the successful
    /// `ConsoleLogin`. Returns when MFA was passed.
    public func completeConsoleSignIn(
        _ signIn: ConsoleSignIn, mfaCode: String?, securityKey: SecurityKeyAssertion? = nil, now: Date = Date()
    ) async throws -> Date? {
        let principal = signIn.principal
        let key = Self.consoleThrottleKey(accountId: principal.accountId, userName: principal.kind == .root ? nil : principal.username)
        var mfaAt: Date?
        if signIn.needsMFA {
            try admitConsoleSignIn(key, principal: principal, source: signIn.source, now: now)
            var accepted = false
            let owner = VirtualMFADevice.owner(of: principal)
            if let owner, let securityKey {
                accepted = try await store.write { session in
                    try await acceptSecurityKey(securityKey, owner: owner, accountId: principal.accountId, in: session)
                }
            } else if let owner, let mfaCode {
                for serial in signIn.mfaSerialNumbers where !accepted {
                    accepted = try await verifyMFACode(accountId: principal.accountId, owner: owner, serialNumber: serial, code: mfaCode, now: now)
                }
            }
            guard accepted else {
                signInThrottle.failed(key, now: now)
                recordConsoleLogin(principal, source: signIn.source, mfaUsed: true, failure: "Failed authentication", now: now)
                throw DirectoryError.invalidInput(
                    securityKey == nil ? "The MFA code is not valid. Enter the current code from your device." : "The security key's answer is not valid.")
            }
            mfaAt = now
        }
        signInThrottle.succeeded(key)
        try await store.write { session in
            if principal.kind == .user {
                let tx = DocumentTransaction(session: session, accountId: principal.accountId)
                if var user = try await tx.get(IAMUser.self, .user, principal.username) {
                    user.passwordLastUsed = now
                    try await tx.put(user, .user, user.name)
                }
            }
            try await auditTrail.append([consoleLoginEvent(principal, source: signIn.source, mfaUsed: mfaAt != nil, failure: nil, now: now)], in: session)
        }
        try await refresh()
        return mfaAt
    }

    /// Whose failed console sign-ins ``signInThrottle`` counts together: the root user of an account, or an IAM user.
    static func consoleThrottleKey(accountId: String, userName: String?) -> String {
        userName.map { "console-user/\(accountId)/\($0.lowercased())" } ?? "console-root/\(accountId)"
    }

    /// Serial numbers of the authenticator apps assigned to `owner` (an IAM user name, or ``VirtualMFADevice/rootOwner``).
    func activeMFADevices(of owner: String, in accountId: String) -> [String] {
        iam(accountId).mfaDevices(of: owner).filter { $0.enabled != nil && $0.securityKey == nil }
            .map(\.serialNumber).sorted()
    }

    /// Refuses an attempt while the identity or its throttle key is locked out; the refusal is in the trail too.
    func admitConsoleSignIn(_ key: String, principal: Principal?, source: SignInSource, now: Date) throws {
        do {
            try signInThrottle.admit(key, now: now)
        } catch {
            if let principal { recordConsoleLogin(principal, source: source, mfaUsed: false, failure: "\(error)", now: now) }
            throw error
        }
    }

    /// Buffers a failed `ConsoleLogin` (a failure changes nothing, so it needs no transaction of its own).
    func recordConsoleLogin(_ principal: Principal, source: SignInSource, mfaUsed: Bool, failure: String, now: Date) {
        auditTrail.record(consoleLoginEvent(principal, source: source, mfaUsed: mfaUsed, failure: failure, now: now))
    }

    /// CloudTrail's record of a console sign-in: `signin.amazonaws.com` `ConsoleLogin`, type `AwsConsoleSignIn`,
    /// `ConsoleLogin` Success or Failure, and whether MFA was used.
    func consoleLoginEvent(_ principal: Principal, source: SignInSource, mfaUsed: Bool, failure: String?, now: Date) -> AuditEvent {
        var event = AuditEvent(
            eventTime: now, eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin", awsRegion: "us-east-1",
            sourceIPAddress: source.sourceIPAddress, userAgent: source.userAgent,
            identity: AuditEvent.Identity(principal: principal, accessKeyId: nil, mfaAuthenticated: mfaUsed && failure == nil),
            responseElements: ["ConsoleLogin": failure == nil ? "Success" : "Failure"], errorMessage: failure, requestId: Identifiers.uuid(),
            readOnly: false, recipientAccountId: principal.accountId)
        event.eventType = "AwsConsoleSignIn"
        event.additionalEventData = ["LoginTo": "/console", "MobileVersion": "No", "MFAUsed": mfaUsed ? "Yes" : "No"]
        return event
    }
}
