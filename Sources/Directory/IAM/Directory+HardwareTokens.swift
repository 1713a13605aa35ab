import AWSWire
import Foundation
import Storage

/// The kind of document a hardware TOTP token is, under the pseudo-account ``HardwareToken/accountKey``.
enum HardwareTokenDocumentKind: String, DocumentKind, CaseIterable {
    case token = "hardware_token"
}

/// A hardware TOTP token the operator registered (its seed, as the maker ships it), and whom it is assigned to.
/// Users assign it by its serial number and two consecutive codes, as with AWS's hardware tokens.
struct HardwareToken: Codable, Sendable, Equatable {
    static let accountKey = "hardware_mfa"

    var serialNumber: String
    /// The seed, sealed under the instance key (base64).
    var sealedSeed: String
    /// `<account ID>/<owner>` while assigned.
    var assignedTo: String?
}

extension Directory {
    /// Whether `serial` names a hardware token rather than a device ARN.
    static func isHardwareSerial(_ serial: String) -> Bool {
        (9...64).contains(serial.count) && serial.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// Registers a hardware token's seed (the operator, from the maker's seed file), so a user can assign it.
    ///
    /// - Throws: ``DirectoryError`` for a bad serial number or seed, or a serial number already registered.
    public func addHardwareToken(serialNumber: String, seed: [UInt8]) async throws {
        guard Self.isHardwareSerial(serialNumber) else {
            throw DirectoryError.invalidInput("A hardware token's serial number is 9 to 64 letters, digits and hyphens.")
        }
        guard seed.count >= 10 else { throw DirectoryError.invalidInput("The seed must be at least 80 bits.") }
        try await store.write { session in
            let tx = DocumentTransaction(session: session, accountId: HardwareToken.accountKey)
            if try await tx.get(HardwareToken.self, HardwareTokenDocumentKind.token, serialNumber) != nil {
                throw DirectoryError.alreadyExists("A hardware token with the serial number \(serialNumber) is registered already.")
            }
            let sealed = Base64.encode(try instanceKey.seal(Base64.encode(seed), context: "hardware-token/\(serialNumber)"))
            try await tx.put(HardwareToken(serialNumber: serialNumber, sealedSeed: sealed), HardwareTokenDocumentKind.token, serialNumber)
        }
    }

    /// Takes a registered, unassigned hardware token for `owner` of the transaction's account: returns the
    /// account's device for it (seed sealed for the account, not yet enabled).
    func claimHardwareToken(_ serialNumber: String, owner: String, tx: DocumentTransaction) async throws -> VirtualMFADevice? {
        let pool = DocumentTransaction(session: tx.session, accountId: HardwareToken.accountKey)
        guard var token = try await pool.get(HardwareToken.self, HardwareTokenDocumentKind.token, serialNumber) else { return nil }
        guard token.assignedTo == nil else { throw IAMOperations.model.error("EntityAlreadyExistsException", "MFA Device is already in use.") }
        guard let sealed = Base64.decode(token.sealedSeed) else { throw DirectoryError.storage("hardware token \(serialNumber) has an unreadable seed") }
        let seed = try instanceKey.unseal(sealed, context: "hardware-token/\(serialNumber)")
        token.assignedTo = "\(tx.accountId)/\(owner)"
        try await pool.put(token, HardwareTokenDocumentKind.token, serialNumber)
        return VirtualMFADevice(
            serialNumber: serialNumber, name: serialNumber, path: "/",
            sealedSeed: Base64.encode(try instanceKey.seal(seed, context: serialNumber)))
    }

    /// Frees a hardware token its user deactivated, so it can be assigned again.
    static func releaseHardwareToken(_ serialNumber: String, session: StoreSession) async throws {
        let pool = DocumentTransaction(session: session, accountId: HardwareToken.accountKey)
        guard var token = try await pool.get(HardwareToken.self, HardwareTokenDocumentKind.token, serialNumber) else { return }
        token.assignedTo = nil
        try await pool.put(token, HardwareTokenDocumentKind.token, serialNumber)
    }
}
