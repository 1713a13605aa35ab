/// The authenticator data a security key signs (WebAuthn §6.1): the RP ID's hash, flags, the signature
/// counter and, at registration, the new credential.
public struct AuthenticatorData: Sendable {
    public var rpIdHash: [UInt8]
    public var flags: UInt8
    public var signCount: UInt32
    /// At registration: the credential's ID and its public key's COSE bytes.
    public var credential: (id: [UInt8], publicKey: [UInt8])?

    /// User present: someone touched the key.
    public var userPresent: Bool { flags & 0x01 != 0 }
    /// User verified: a PIN or biometric was checked.
    public var userVerified: Bool { flags & 0x04 != 0 }

    public init(_ bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count >= 37 else { throw .invalid("the authenticator data is too short") }
        rpIdHash = Array(bytes[0..<32])
        flags = bytes[32]
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        guard flags & 0x40 != 0 else {
            credential = nil
            return
        }
        // Attested credential data: AAGUID (16), length (2), ID, COSE key.
        guard bytes.count >= 55 else { throw .invalid("the attested credential data is too short") }
        let length = Int(bytes[53]) << 8 | Int(bytes[54])
        guard length > 0, length <= 1023, bytes.count >= 55 + length else { throw .invalid("the credential ID does not fit") }
        let id = Array(bytes[55..<(55 + length)])
        var decoder = CBORDecoder(bytes, offset: 55 + length)
        guard (try? decoder.decode()) != nil else { throw .invalid("the credential public key is not CBOR") }
        credential = (id, Array(bytes[(55 + length)..<decoder.offset]))
    }
}

/// Why a WebAuthn ceremony was refused.
public enum WebAuthnError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}
