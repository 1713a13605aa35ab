import AWSWire
import Foundation
import Storage
import WebAuthn

/// A security key's answer to a sign-in challenge, with the checks it must pass.
public struct SecurityKeyAssertion: Sendable {
    public var verifier: WebAuthnVerifier
    public var credentialId: String
    public var clientDataJSON: [UInt8]
    public var authenticatorData: [UInt8]
    public var signature: [UInt8]
    public var challenge: [UInt8]

    public init(
        verifier: WebAuthnVerifier, credentialId: String, clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8], challenge: [UInt8]
    ) {
        self.verifier = verifier
        self.credentialId = credentialId
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.challenge = challenge
    }
}

extension Directory {
    /// The security keys assigned to `owner` (an IAM user name, or ``VirtualMFADevice/rootOwner``) in `accountId`.
    public func securityKeys(of owner: String, in accountId: String) -> [WebAuthnCredential] {
        iam(accountId).mfaDevices(of: owner).filter { $0.enabled != nil }
            .compactMap(\.securityKey).sorted { $0.id < $1.id }
    }

    /// Assigns a security key the console registered (the caller was authorized for `iam:EnableMFADevice`):
    /// an MFA device with a `u2f` serial number, counted in the 8 a user may have, recorded as `EnableMFADevice`.
    ///
    /// - Returns: the device's serial number.
    public func registerSecurityKey(_ credential: WebAuthnCredential, name: String, caller: Caller, now: Date = Date()) async throws -> String {
        let principal = caller.principal
        guard let owner = VirtualMFADevice.owner(of: principal) else { throw DirectoryError.invalidInput("Only users can have security keys.") }
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+=,.@_-".contains($0)) }) else {
            throw DirectoryError.invalidInput("The name must be 1 to 64 letters, numbers or + = , . @ _ -.")
        }
        let deviceName = "\(name)-\(Identifiers.hex(12))"
        let serial = "arn:aws:iam::\(principal.accountId):u2f/\(principal.kind == .root ? "root" : "user/\(principal.username)")/\(deviceName)"
        try await store.write { session in
            let tx = DocumentTransaction(session: session, accountId: principal.accountId)
            let devices = try await iamWriteView(tx).mfaDevices(of: owner)
            guard devices.count < 8 else { throw DirectoryError.invalidInput("Cannot exceed quota for MFADevicesPerUser: 8") }
            let everywhere = snapshot.iam.values.flatMap(\.mfaDevices.values)
            guard !devices.contains(where: { $0.securityKey?.id == credential.id }), !everywhere.contains(where: { $0.securityKey?.id == credential.id })
            else {
                throw DirectoryError.alreadyExists("This security key is already assigned.")
            }
            let device = VirtualMFADevice(
                serialNumber: serial, name: deviceName, path: "/", sealedSeed: "", userName: owner, enabled: now, securityKey: credential)
            try await tx.put(device, .mfaDevice, deviceName)
            let event = AuditEvent(
                eventTime: now, eventSource: "iam.amazonaws.com", eventName: "EnableMFADevice", awsRegion: caller.region,
                sourceIPAddress: caller.sourceIPAddress, userAgent: caller.userAgent,
                identity: .init(principal: principal, accessKeyId: nil, mfaAuthenticated: caller.mfaAuthenticated != nil, sessionCreated: caller.sessionIssued),
                requestParameters: ["userName": .string(principal.username), "serialNumber": .string(serial)], requestId: Identifiers.uuid(), readOnly: false,
                recipientAccountId: principal.accountId)
            try await auditTrail.append([event], in: session)
        }
        try await refresh()
        return serial
    }

    /// Checks a security key's sign-in answer against the key assigned to `owner`, inside `session`, and moves its counter on.
    func acceptSecurityKey(_ assertion: SecurityKeyAssertion, owner: String, accountId: String, in session: StoreSession) async throws -> Bool {
        let tx = DocumentTransaction(session: session, accountId: accountId)
        let devices = try await iamWriteView(tx).mfaDevices(of: owner)
        guard var device = devices.first(where: { $0.securityKey?.id == assertion.credentialId }),
            var credential = device.securityKey
        else { return false }
        do {
            credential.signCount = try assertion.verifier.authenticate(
                credential, clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData, signature: assertion.signature,
                challenge: assertion.challenge)
        } catch {
            return false
        }
        device.securityKey = credential
        try await tx.put(device, .mfaDevice, device.name)
        return true
    }
}
