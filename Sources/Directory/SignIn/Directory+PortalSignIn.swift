import AWSWire
import Foundation
import Storage

extension Directory {
    /// The instance whose identity store is `identityStoreId`, with its owner account, read inside a write.
    func storedInstance(identityStoreId: String, in session: StoreSession) async throws -> (tx: DocumentTransaction, instance: IdentityCenterInstance) {
        for record in try await session.documents(kind: IdentityCenterDocumentKind.instance.rawValue) {
            let instance = try DocumentCoding.decode(IdentityCenterInstance.self, record.body)
            if instance.identityStoreId == identityStoreId { return (DocumentTransaction(session: session, accountId: record.accountId), instance) }
        }
        throw DirectoryError(.notFound, "No Identity Center instance has the identity store \(identityStoreId).")
    }

    static func storedUser(_ userName: String, tx: DocumentTransaction) async throws -> IdentityStoreUser {
        guard let id = try await tx.claimant(.userName, userName),
            let user = try await tx.get(IdentityStoreUser.self, IdentityCenterDocumentKind.user, id), user.userName.lowercased() == userName.lowercased()
        else {
            throw DirectoryError(.notFound, "No user \(userName) in the identity store.")
        }
        return user
    }

    /// Identity Center's password rules: 8 to 64 characters with upper and lower case letters, digits and symbols.
    static func validatePortalPassword(_ password: String) throws {
        let valid =
            (8...64).contains(password.count) && password.contains(where: \.isUppercase) && password.contains(where: \.isLowercase)
            && password.contains(where: \.isNumber) && password.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace })
            && !password.contains("\0")
        guard valid else {
            throw DirectoryError.invalidInput("The password must be 8 to 64 characters with upper case and lower case letters, numbers and symbols.")
        }
    }

    /// Gives an identity store user a one-time password (shown to the administrator once); the user sets their own at first sign-in.
    public func setOneTimePassword(identityStoreId: String, userName: String) async throws -> String {
        let password = "Gh1!" + Identifiers.secret().prefix(16).replacingOccurrences(of: "/", with: "-")
        let hash = await passwords.hash(password)
        try await store.write { session in
            let (tx, _) = try await storedInstance(identityStoreId: identityStoreId, in: session)
            var user = try await Self.storedUser(userName, tx: tx)
            user.passwordHash = hash
            user.passwordIsOneTime = true
            try await tx.put(user, IdentityCenterDocumentKind.user, user.id)
        }
        try await refresh()
        return password
    }

    /// Changes an instance's sign-in settings.
    public func updateSignInSettings(identityStoreId: String, _ change: @Sendable (inout SignInSettings) throws -> Void) async throws -> SignInSettings {
        let settings = try await store.write { session in
            var (tx, instance) = try await storedInstance(identityStoreId: identityStoreId, in: session)
            try change(&instance.signIn)
            guard SignInSettings.mfaModes.contains(instance.signIn.mfaMode),
                SignInSettings.withoutMFAChoices.contains(instance.signIn.withoutMFA),
                !instance.signIn.allowedMFATypes.isEmpty, instance.signIn.allowedMFATypes.allSatisfy(SignInSettings.mfaTypes.contains),
                (1...168).contains(instance.signIn.portalSessionHours)
            else { throw DirectoryError.invalidInput("Those sign-in settings are not valid.") }
            try await tx.put(instance, IdentityCenterDocumentKind.instance, "instance")
            return instance.signIn
        }
        try await refresh()
        return settings
    }

    /// Whose failed sign-ins ``signInThrottle`` counts together.
    static func throttleKey(identityStoreId: String, userName: String) -> String {
        identityStoreId + "/" + userName.lowercased()
    }

    /// Checks a user's password (five failures in 15 minutes lock the user out for the rest of the window);
    /// with `newPassword`, replaces a one-time password. Returns the user, with the transaction.
    func signIn(
        identityStoreId: String, userName: String, password: String, newPassword: String?, in session: StoreSession
    ) async throws -> (tx: DocumentTransaction, instance: IdentityCenterInstance, user: IdentityStoreUser) {
        let throttleKey = Self.throttleKey(identityStoreId: identityStoreId, userName: userName)
        try signInThrottle.admit(throttleKey)
        let (tx, instance) = try await storedInstance(identityStoreId: identityStoreId, in: session)
        let stored = try? await Self.storedUser(userName, tx: tx)
        let verified = await passwords.verify(password, hash: stored?.passwordHash)
        guard var user = stored, verified else {
            signInThrottle.failed(throttleKey)
            throw DirectoryError.invalidInput("The user name or password is wrong.")
        }
        if let stored = user.passwordHash, passwords.needsRehash(stored), !user.passwordIsOneTime {
            user.passwordHash = await passwords.hash(password)
            try await tx.put(user, IdentityCenterDocumentKind.user, user.id)
        }
        if user.passwordIsOneTime {
            guard let newPassword else {
                throw DirectoryError(.passwordChangeRequired, "This is a one-time password: choose a new password to sign in.")
            }
            try Self.validatePortalPassword(newPassword)
            user.passwordHash = await passwords.hash(newPassword)
            user.passwordIsOneTime = false
            try await tx.put(user, IdentityCenterDocumentKind.user, user.id)
        }
        return (tx, instance, user)
    }

    /// Registers an authenticator app for a portal user: the seed the caller showed the user, and two consecutive codes from it.
    public func registerPortalMFA(
        identityStoreId: String, userName: String, password: String, newPassword: String? = nil, deviceName: String, seed: [UInt8],
        codes: (String, String), now: Date = Date()
    ) async throws {
        try await store.write { session in
            let (tx, _, user) = try await signIn(
                identityStoreId: identityStoreId, userName: userName, password: password, newPassword: newPassword, in: session)
            signInThrottle.succeeded(Self.throttleKey(identityStoreId: identityStoreId, userName: userName))
            try await addPortalDevice(PortalMFARegistration(deviceName: deviceName, seed: seed, codes: codes), to: user, tx: tx, now: now)
        }
        try await refresh()
    }

    /// Adds an authenticator app to a user once its two codes check out.
    func addPortalDevice(_ registration: PortalMFARegistration, to user: IdentityStoreUser, tx: DocumentTransaction, now: Date) async throws {
        var user = user
        let totp = TOTP(seed: registration.seed)
        guard let first = totp.matchingStep(registration.codes.0, at: now, window: 2), let second = totp.matchingStep(registration.codes.1, at: now, window: 2),
            second == first + 1
        else { throw DirectoryError.invalidInput("The codes are not two consecutive codes of this authenticator.") }
        guard user.mfaDevices.count < 8 else { throw DirectoryError.invalidInput("A user can have at most 8 MFA devices.") }
        let context = "portal-mfa/\(user.id)/\(registration.deviceName)"
        let sealed = Base64.encode(try instanceKey.seal(Base64.encode(registration.seed), context: context))
        user.mfaDevices.append(PortalMFADevice(name: registration.deviceName, sealedSeed: sealed, registered: now, lastStep: second))
        try await tx.put(user, IdentityCenterDocumentKind.user, user.id)
    }

    /// A whole access portal sign-in: password (a new one in place of a one-time password) and MFA as the
    /// instance's settings require. Returns the user and when MFA was passed.
    /// Every attempt that gets as far as checking credentials is in the audit trail (`UserAuthentication`).
    func portalSignIn(
        identityStoreId: String, credentials: PortalCredentials, in session: StoreSession, now: Date
    ) async throws -> (user: IdentityStoreUser, mfaAt: Date?) {
        do {
            let (tx, instance, user) = try await signIn(
                identityStoreId: identityStoreId, userName: credentials.userName, password: credentials.password,
                newPassword: credentials.newPassword, in: session)
            let mfaAt = try await checkPortalMFA(user: user, instance: instance, credentials: credentials, tx: tx, now: now)
            signInThrottle.succeeded(Self.throttleKey(identityStoreId: identityStoreId, userName: credentials.userName))
            let event = signInEvent(
                instance: instance, principal: .identityCenterUser(id: user.id, userName: user.userName, of: instance.ownerAccountId),
                credentials: credentials, mfa: mfaAt != nil, failure: nil, now: now)
            try await auditTrail.append([event], in: session)
            return (user, mfaAt)
        } catch let error as DirectoryError where error.kind == .invalidInput {
            // The write rolls back; the failed attempt is recorded on its own.
            if let state = snapshot.identityCenter.values.first(where: { $0.instance?.identityStoreId == identityStoreId }), let instance = state.instance {
                let user = state.user(named: credentials.userName)
                let principal =
                    user.map { Principal.identityCenterUser(id: $0.id, userName: $0.userName, of: instance.ownerAccountId) }
                    ?? .unknownUser(of: instance.ownerAccountId)
                auditTrail.record(signInEvent(instance: instance, principal: principal, credentials: credentials, mfa: false, failure: error.message, now: now))
            }
            throw error
        }
    }

    /// CloudTrail's record of an access portal sign-in (`signin.amazonaws.com`, `UserAuthentication`).
    func signInEvent(
        instance: IdentityCenterInstance, principal: Principal, credentials: PortalCredentials, mfa: Bool, failure: String?, now: Date
    ) -> AuditEvent {
        AuditEvent(
            eventTime: now, eventSource: "signin.amazonaws.com", eventName: "UserAuthentication", awsRegion: instance.homeRegion,
            sourceIPAddress: credentials.sourceIPAddress, userAgent: credentials.userAgent,
            identity: AuditEvent.Identity(principal: principal, accessKeyId: nil, mfaAuthenticated: mfa),
            responseElements: failure == nil ? ["UserAuthentication": "Success"] : nil, errorCode: failure == nil ? nil : "AuthenticationFailed",
            errorMessage: failure, requestId: Identifiers.uuid(), readOnly: false, recipientAccountId: instance.ownerAccountId)
    }

    /// Approves or turns down a device sign-in, once its user has signed in: the user's password, a new one in place of
    /// a one-time password, and an MFA code as the instance's settings require (so nobody who merely guessed a code can
    /// cancel someone else's sign-in). A turned-down sign-in's client gets access_denied at its next poll.
    public func decideDeviceSignIn(userCode: String, credentials: PortalCredentials, allow: Bool, now: Date = Date()) async throws {
        try await store.write { session in
            let (signIn, waiting) = try await Self.pendingDeviceAuthorization(userCode: userCode, in: session, now: now)
            var authorization = waiting
            let instances = try await session.documents(accountId: authorization.ownerAccountId, kind: IdentityCenterDocumentKind.instance.rawValue)
            guard let record = instances.first else { throw DirectoryError(.notFound, "The Identity Center instance is gone.") }
            let storeId = try DocumentCoding.decode(IdentityCenterInstance.self, record.body).identityStoreId
            let (user, mfaAt) = try await portalSignIn(identityStoreId: storeId, credentials: credentials, in: session, now: now)
            if allow {
                authorization.mfaAt = mfaAt
                authorization.status = "approved"
                authorization.userId = user.id
            } else {
                authorization.status = "denied"
            }
            try await signIn.put(authorization, SignInDocumentKind.deviceAuthorization, authorization.deviceCodeHash)
        }
        try await refresh()
    }

    /// The device sign-in waiting for `userCode` (case-insensitive), with the sign-in documents' transaction.
    static func pendingDeviceAuthorization(
        userCode: String, in session: StoreSession, now: Date
    ) async throws -> (tx: DocumentTransaction, authorization: DeviceAuthorization) {
        let tx = DocumentTransaction(session: session, accountId: SignInState.accountKey)
        let pending = try await tx.all(DeviceAuthorization.self, SignInDocumentKind.deviceAuthorization)
        guard let authorization = pending.first(where: { $0.userCode == userCode.uppercased() && $0.status == "pending" && $0.expires > now }) else {
            throw DirectoryError(.notFound, "No sign-in is waiting for the code \(userCode).")
        }
        return (tx, authorization)
    }

    /// Applies the instance's MFA settings to a sign-in; returns when MFA was passed (`nil` when not asked).
    func checkPortalMFA(
        user: IdentityStoreUser, instance: IdentityCenterInstance, credentials: PortalCredentials, tx: DocumentTransaction, now: Date
    ) async throws -> Date? {
        let settings = instance.signIn
        if settings.mfaMode == "DISABLED" { return nil }
        if user.mfaDevices.isEmpty {
            switch settings.withoutMFA {
            case "ALLOWED": return nil
            case "BLOCKED": throw DirectoryError.invalidInput("Sign-in needs an MFA device, and this user has none. An administrator must register one.")
            default:
                guard let registration = credentials.registration else {
                    throw DirectoryError(.mfaRegistrationRequired, "Register an authenticator app to sign in: MFA is required.")
                }
                try await addPortalDevice(registration, to: user, tx: tx, now: now)
                return now
            }
        }
        guard let code = credentials.mfaCode else { throw DirectoryError.invalidInput("Enter the code from your authenticator app.") }
        var updated = user
        for (index, device) in user.mfaDevices.enumerated() {
            let context = "portal-mfa/\(user.id)/\(device.name)"
            guard let sealed = Base64.decode(device.sealedSeed), let seed = Base64.decode(try instanceKey.unseal(sealed, context: context)) else { continue }
            if let step = TOTP(seed: seed).matchingStep(code, at: now), step > device.lastStep {
                updated.mfaDevices[index].lastStep = step
                try await tx.put(updated, IdentityCenterDocumentKind.user, user.id)
                return now
            }
        }
        signInThrottle.failed(Self.throttleKey(identityStoreId: instance.identityStoreId, userName: user.userName))
        throw DirectoryError.invalidInput("The MFA code is not valid.")
    }
}
