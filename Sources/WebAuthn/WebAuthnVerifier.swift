import Crypto
import Foundation

/// A security key's credential as the relying party keeps it.
public struct WebAuthnCredential: Codable, Sendable, Equatable {
    /// The credential ID, base64url.
    public var id: String
    /// The COSE public key, base64url.
    public var publicKey: String
    /// The last signature counter seen (0 for authenticators that keep none).
    public var signCount: UInt32
}

/// The relying-party checks of WebAuthn Level 2 (§7.1 registration, §7.2 authentication) for one RP ID and origin:
/// the ceremony type, the single-use challenge, the origin, the RP ID hash, user presence and verification,
/// the signature, and a signature counter that only moves forward. Attestation is "none": the key's maker is not checked.
public struct WebAuthnVerifier: Sendable {
    public let rpId: String
    public let origin: String

    public init(rpId: String, origin: String) {
        self.rpId = rpId
        self.origin = origin
    }

    /// Checks a `navigator.credentials.create()` answer for `challenge`; returns the credential to keep.
    public func register(clientDataJSON: [UInt8], attestationObject: [UInt8], challenge: [UInt8]) throws(WebAuthnError) -> WebAuthnCredential {
        try checkClientData(clientDataJSON, type: "webauthn.create", challenge: challenge)
        guard let attestation = try? CBORDecoder.decodeWhole(attestationObject), case .bytes(let authData)? = attestation["authData"],
            case .text? = attestation["fmt"]
        else { throw .invalid("the attestation object is not valid CBOR") }
        let data = try AuthenticatorData(authData)
        try checkFlags(data)
        guard let credential = data.credential else { throw .invalid("the authenticator data holds no credential") }
        _ = try COSEKey(bytes: credential.publicKey)
        return WebAuthnCredential(id: Base64URL.encode(credential.id), publicKey: Base64URL.encode(credential.publicKey), signCount: data.signCount)
    }

    /// Checks a `navigator.credentials.get()` answer from `credential` for `challenge`; returns the new signature counter.
    public func authenticate(
        _ credential: WebAuthnCredential, clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8], challenge: [UInt8]
    ) throws(WebAuthnError) -> UInt32 {
        try checkClientData(clientDataJSON, type: "webauthn.get", challenge: challenge)
        let data = try AuthenticatorData(authenticatorData)
        try checkFlags(data)
        guard let keyBytes = Base64URL.decode(credential.publicKey) else { throw .invalid("the stored public key is damaged") }
        let key = try COSEKey(bytes: keyBytes)
        guard key.verifies(signature, of: authenticatorData + Array(SHA256.hash(data: clientDataJSON))) else {
            throw .invalid("the signature does not verify")
        }
        // A counter that does not move forward means a cloned key, unless the key keeps no counter at all.
        if data.signCount != 0 || credential.signCount != 0, data.signCount <= credential.signCount {
            throw .invalid("the signature counter went backwards: the security key may have been cloned")
        }
        return data.signCount
    }

    func checkClientData(_ bytes: [UInt8], type: String, challenge: [UInt8]) throws(WebAuthnError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw .invalid("the client data is not JSON")
        }
        guard object["type"] as? String == type else { throw .invalid("the client data is for another ceremony") }
        guard let sent = (object["challenge"] as? String).flatMap(Base64URL.decode), sent.count == challenge.count,
            zip(sent, challenge).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
        else { throw .invalid("the challenge is not the one this page issued") }
        guard object["origin"] as? String == origin else { throw .invalid("the origin \(object["origin"] as? String ?? "") is not \(origin)") }
    }

    func checkFlags(_ data: AuthenticatorData) throws(WebAuthnError) {
        guard data.rpIdHash == Array(SHA256.hash(data: Array(rpId.utf8))) else { throw .invalid("the credential is for another site") }
        guard data.userPresent else { throw .invalid("the security key was not touched") }
        guard data.userVerified else { throw .invalid("the security key did not verify its user (PIN or biometric)") }
    }
}

/// Base64url without padding (RFC 4648 §5), as WebAuthn passes binary values.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }
}
