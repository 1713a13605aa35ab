import AWSWire
import Foundation
import Storage

extension Directory {
    /// The TOTP generator of a virtual MFA device (its seed unsealed).
    func totp(for device: VirtualMFADevice) throws -> TOTP {
        guard let sealed = Base64.decode(device.sealedSeed), let seed = Base64.decode(try instanceKey.unseal(sealed, context: device.serialNumber))
        else { throw DirectoryError.storage("MFA device \(device.serialNumber) has an unreadable seed") }
        return TOTP(seed: seed)
    }

    /// Checks a code from `owner`'s device `serialNumber` (`owner` is an IAM user name, or ``VirtualMFADevice/rootOwner``),
    /// within one step either side of `now`; an accepted code's step is recorded so it is never accepted again.
    ///
    /// - Returns: whether the code was accepted.
    public func verifyMFACode(accountId: String, owner: String, serialNumber: String, code: String, now: Date) async throws -> Bool {
        try await store.write { session in
            try await verifyMFACode(accountId: accountId, owner: owner, serialNumber: serialNumber, code: code, now: now, in: session)
        }
    }

    /// ``verifyMFACode(accountId:owner:serialNumber:code:now:)`` inside a write transaction already open (a call's own:
    /// the code's use commits with what the call does with it).
    public func verifyMFACode(
        accountId: String, owner: String, serialNumber: String, code: String, now: Date, in session: StoreSession
    ) async throws -> Bool {
        guard let name = serialNumber.split(separator: "/").last.map(String.init) else { return false }
        let tx = DocumentTransaction(session: session, accountId: accountId)
        guard var device = try await tx.get(VirtualMFADevice.self, .mfaDevice, name), device.serialNumber == serialNumber,
            device.userName?.lowercased() == owner.lowercased(), device.securityKey == nil
        else { return false }
        guard let step = try totp(for: device).matchingStep(code, at: now), step > device.lastStep else { return false }
        device.lastStep = step
        try await tx.put(device, .mfaDevice, device.name)
        return true
    }
}
